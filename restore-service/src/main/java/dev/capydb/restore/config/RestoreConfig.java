package dev.capydb.restore.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed settings of restore-service. */
@ConfigMapping(prefix = "capydb.restores")
public interface RestoreConfig {

    /** Restores one replica runs at once. */
    @WithDefault("2")
    int workers();

    @WithDefault("PT60S")
    Duration lease();

    @WithDefault("PT6H")
    Duration restoreTimeout();

    /** Preview TTL when the request gives none (the most a preview may get is part of the API contract). */
    @WithDefault("24")
    int defaultTtlHours();

    /** How long before expiry {@code preview.expiring} is announced. */
    @WithDefault("PT1H")
    Duration expiringNotice();

    /** How long a database replaced by a restore is kept (renamed) before it is dropped. */
    @WithDefault("PT24H")
    Duration safetyWindow();

    /**
     * Session settings of every {@code pg_restore} ({@code PGOPTIONS}): more memory for index builds, and commits
     * that do not wait for the WAL flush one by one. A restore's result is only used after one synchronous commit
     * on the host has flushed all of it (see BackupLoader), so a host crash cannot lose part of a completed restore.
     */
    @WithDefault("-c maintenance_work_mem=256MB -c synchronous_commit=off")
    String pgRestoreOptions();

    /**
     * How often leftovers are swept: expired previews, half-made previews and scratch databases of restores that
     * ended while their host was down (read by the sweeps' {@code @Scheduled}).
     */
    @WithDefault("1m")
    String sweepEvery();

    /** Point-in-time recovery in scratch clusters. */
    Pitr pitr();

    /** Settings of PITR scratch clusters. */
    interface Pitr {
        /** OS user the scratch cluster runs as when the service runs as root; empty means the service's user. */
        Optional<String> runAs();

        /** Where scratch clusters live (default: the JVM's temp directory). */
        Optional<String> scratchDir();

        /** How long recovery (WAL replay up to the target) may take. */
        @WithDefault("PT1H")
        Duration recoveryTimeout();

        /**
         * Point-in-time recoveries that may run at once against one host, across every replica: each reads the host's
         * WAL and runs a scratch cluster. The others wait in phase {@code queued}.
         */
        @WithDefault("2")
        int maxPerHost();
    }

    /** Whether this replica runs the preview reaper (tests drive it by hand). */
    @WithDefault("true")
    boolean reaperEnabled();
}
