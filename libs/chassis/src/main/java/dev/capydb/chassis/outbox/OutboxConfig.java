package dev.capydb.chassis.outbox;

import dev.capydb.events.Topic;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed settings of the outbox relay. */
@ConfigMapping(prefix = "capydb.outbox")
public interface OutboxConfig {

    /** Whether this replica runs the relay (tests switch it off to drive it by hand). */
    @WithDefault("true")
    boolean relayEnabled();

    /** Kafka bootstrap servers the relay publishes to. */
    @WithDefault("${kafka.bootstrap.servers}")
    String bootstrapServers();

    /** Rows published per relay pass. */
    @WithDefault("200")
    int batchSize();

    /** How long one publish may take before the pass gives up (Kafka down); the rows stay for the next pass. */
    @WithDefault("PT15S")
    Duration deliveryTimeout();

    /** The service's own topic, for event types every producer publishes itself (job.*). */
    Optional<Topic> ownTopic();

    /** Published rows are deleted after this long. */
    @WithDefault("P7D")
    Duration keepPublished();
}
