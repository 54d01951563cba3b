package dev.capydb.chassis.consistency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Typed settings of read-your-writes (docs/consistency.md). */
@ConfigMapping(prefix = "capydb.consistency")
public interface ConsistencyConfig {

    /**
     * How long a request that met an unknown id waits for this service's consumer to reach the topic's end. Only a
     * consumer that is behind makes it wait: a replica that has just been handed a partition may take seconds over
     * its first events (measured: 2.5 s on a cold second instance), and answering 404 then would be wrong.
     */
    @WithDefault("PT10S")
    Duration catchUpTimeout();

    /** How long a write that others must see at once waits for every consumer of its events to apply them. */
    @WithDefault("PT10S")
    Duration barrierTimeout();

    /** How long a commit waits for its events to be in Kafka before the caller is answered anyway. */
    @WithDefault("PT3S")
    Duration publishTimeout();

    /**
     * The consumers whose events move a project's status ({@code topic:group}): project-service's copies of restore
     * and import events. A service about to refuse because a project is busy first lets them catch up.
     */
    @WithDefault("capydb.restores:project-service-restores,capydb.imports:project-service-imports")
    List<String> statusSources();
}
