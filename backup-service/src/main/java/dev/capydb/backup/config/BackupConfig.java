package dev.capydb.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed settings of backup-service: workers, leases, timeouts, schedules, retention and base backups. */
@ConfigMapping(prefix = "capydb.backups")
public interface BackupConfig {

    /** Backups one replica runs at once. */
    @WithDefault("2")
    int workers();

    /** A running backup whose worker stops renewing this lease is considered dead. */
    @WithDefault("PT60S")
    Duration lease();

    /** Backups are safe to re-run, so a dead worker's backup is retried up to this many attempts in all. */
    @WithDefault("3")
    int maxAttempts();

    /** While a restore or import holds the project, a backup waits this long between tries... */
    @WithDefault("PT15S")
    Duration busyRetry();

    /** ...and fails with project_busy once it has waited this long. */
    @WithDefault("PT30M")
    Duration busyGiveUp();

    @WithDefault("PT6H")
    Duration dumpTimeout();

    /**
     * gzip level of {@code pg_dump --format=custom} (0–9; PostgreSQL 15's pg_dump has no lz4/zstd). 1, not pg_dump's
     * default 6: compression is most of pg_dump's CPU, and a shorter dump holds its snapshot (which keeps VACUUM
     * from cleaning up the customer's database) for less time; the dump grows by a few percent. bench/RESULTS.md
     * has what each level costs in time and size.
     */
    @WithDefault("1")
    int compressionLevel();

    @WithDefault("PT6H")
    Duration verifyTimeout();

    /** Whether this replica runs the schedule, retention and base-backup timers (tests drive them by hand). */
    @WithDefault("true")
    boolean schedulersEnabled();

    /**
     * How old the newest full base backup of a PITR host may get before the next one is a full: a full copies the
     * whole host, so it is rare. In between, differential and incremental backups copy only changed files.
     */
    @WithDefault("P7D")
    Duration baseBackupFullInterval();

    /** How old the newest full or differential may get before the next backup is a differential (changes since the full). */
    @WithDefault("P1D")
    Duration baseBackupDiffInterval();

    /**
     * How old the newest base backup of any kind may get before an incremental (changes since it) is taken. A PITR
     * replays WAL from the newest backup before its target, so this bounds the replay: at most this long plus one
     * backup's duration of the host's WAL.
     */
    @WithDefault("PT1H")
    Duration baseBackupIncrInterval();

    /** How far back point-in-time recovery reaches; older base backups and WAL are pruned. */
    @WithDefault("P7D")
    Duration pitrRetention();

    /** How often open multipart uploads no running backup writes are aborted (read by the sweep's {@code @Scheduled}). */
    @WithDefault("10m")
    String sweepEvery();

    /**
     * How old an open upload must be before the sweep may abort it. The bucket has other writers than the backups
     * it can see in its table (the WAL archiver, an operator's tool): an upload begun moments ago is someone's work in
     * progress, an abandoned one is old.
     */
    @WithDefault("1h")
    Duration sweepMinAge();
}
