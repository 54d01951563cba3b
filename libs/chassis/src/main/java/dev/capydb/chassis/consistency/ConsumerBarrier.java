package dev.capydb.chassis.consistency;

import dev.capydb.chassis.consistency.KafkaOffsets.KafkaUnavailable;
import dev.capydb.chassis.outbox.PublishedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The writer's half of read-your-writes for changes that other services would otherwise keep serving from a stale
 * copy (a deleted project, whose backups and previews must be 404 everywhere the moment the delete is answered): the
 * writer waits until every consumer group reading the events' partitions has committed past them. Bounded by
 * {@code capydb.consistency.barrier-timeout}; a group whose member died keeps its partitions until Kafka's session
 * timeout, and then the answer goes out anyway (logged) rather than hang.
 */
@ApplicationScoped
public class ConsumerBarrier {

    private static final Logger LOG = Logger.getLogger(ConsumerBarrier.class);
    private static final long POLL_MILLIS = 10;

    private final KafkaOffsets kafka;
    private final ConsistencyConfig config;

    public ConsumerBarrier(KafkaOffsets kafka, ConsistencyConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    /** @return whether every active group passed every event in time */
    public boolean awaitConsumed(Collection<PublishedEvent> events) {
        long deadline = System.nanoTime() + config.barrierTimeout().toNanos();
        try {
            for (PublishedEvent e : events) {
                TopicPartition tp = new TopicPartition(e.topic(), e.partition());
                // Who reads the partition is asked once; then only their offsets, until each is past the event.
                List<String> readers = kafka.groupsReading(tp);
                while (true) {
                    Map<String, Long> committed = kafka.committed(readers, tp);
                    var behind = committed.entrySet().stream()
                            .filter(g -> g.getValue() <= e.offset())
                            .toList();
                    if (behind.isEmpty()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        LOG.warnf(
                                "event %s at %s@%d: groups %s have not applied it after %s; answering anyway",
                                e.id(), tp, e.offset(), behind, config.barrierTimeout());
                        return false;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
            return true;
        } catch (KafkaUnavailable ex) {
            LOG.warnf("cannot wait for the consumers: %s", ex.getMessage());
            return false;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
