package dev.capydb.chassis.consistency;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * When a consumer group is given a partition it has never committed in, its starting position is committed at once
 * (the topic's start for a group reading from the beginning, its end for one that starts at the end). From then on
 * the group's committed offset always says how far it has applied the partition, which {@link CatchUp} relies on:
 * without it, "nothing committed yet" could mean "nothing to do" or "the whole partition still to do".
 */
@ApplicationScoped
@Identifier(StartPositions.NAME)
public class StartPositions implements KafkaConsumerRebalanceListener {

    /** The listener's name in {@code mp.messaging.connector.smallrye-kafka.consumer-rebalance-listener.name}. */
    public static final String NAME = "capydb-start-positions";

    private static final Logger LOG = Logger.getLogger(StartPositions.class);

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (committed.get(tp) == null) {
                    start.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
            }
            if (!start.isEmpty()) {
                consumer.commitSync(start);
            }
        } catch (KafkaException e) {
            // A listener that throws fails the channel for good. The start position is committed at the next
            // assignment instead; until then a catch-up on this group's committed offset waits out its bound.
            LOG.warnf("could not commit the start positions of %s yet: %s", partitions, e.getMessage());
        }
    }
}
