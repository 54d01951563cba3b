package dev.capydb.chassis.consistency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed settings of read-your-writes (docs/consistency.md). */
@ConfigMapping(prefix = "capydb.consistency")
public interface ConsistencyConfig {

    /** How long a request that met an unknown id waits for this service's consumer to reach the topic's end. */
    @WithDefault("PT3S")
    Duration catchUpTimeout();

    /** How long a write that others must see at once waits for every consumer of its events to apply them. */
    @WithDefault("PT10S")
    Duration barrierTimeout();

    /** How long a commit waits for its events to be in Kafka before the caller is answered anyway. */
    @WithDefault("PT3S")
    Duration publishTimeout();
}
