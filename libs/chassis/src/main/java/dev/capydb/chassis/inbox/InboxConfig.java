package dev.capydb.chassis.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How hard a failing handler is retried before its event is parked. */
@ConfigMapping(prefix = "capydb.inbox")
public interface InboxConfig {
    @WithDefault("8")
    int maxAttempts();

    @WithDefault("30s")
    Duration maxBackoff();

    /**
     * How often an event whose handling could not reach the database is tried again. Short and fixed, unlike
     * the back-off: once the database is back the consumer must catch up at once (a request that meets an id
     * this service has not applied yet waits only {@code capydb.consistency.catch-up-timeout} for it).
     */
    @WithDefault("500ms")
    Duration reconnectEvery();
}
