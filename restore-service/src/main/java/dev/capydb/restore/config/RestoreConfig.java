package dev.capydb.restore.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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

    /** Preview TTL when the request gives none, and the most a preview may get. */
    @WithDefault("24")
    int defaultTtlHours();

    @WithDefault("720")
    int maxTtlHours();

    /** How long before expiry {@code preview.expiring} is announced. */
    @WithDefault("PT1H")
    Duration expiringNotice();

    /** How long a database replaced by a restore is kept (renamed) before it is dropped. */
    @WithDefault("PT24H")
    Duration safetyWindow();

    /** Whether this replica runs the preview reaper (tests drive it by hand). */
    @WithDefault("true")
    boolean reaperEnabled();
}
