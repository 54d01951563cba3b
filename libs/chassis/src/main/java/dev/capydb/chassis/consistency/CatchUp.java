package dev.capydb.chassis.consistency;

import dev.capydb.chassis.consistency.KafkaOffsets.KafkaUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The reader's half of read-your-writes: before this service refuses something because its copy of another
 * service's state lacks it (a 404 for a project or a backup it has not heard of, a preview it thinks is not ready),
 * it waits until its consumer group has applied everything Kafka holds in that key's partition, then looks again.
 * A writer's events are in Kafka before the writer answers ({@link PublishOnCommit}), so after the catch-up a miss
 * is a real one. Only misses pay: a lookup that finds what it needs never comes here.
 *
 * <p>"Applied" is the group's committed offset: a record is acknowledged only after its handler's transaction has
 * committed, and the throttled commit strategy commits every {@code auto.commit.interval.ms} (100 ms here). Every
 * group commits its starting position when it is given a partition ({@link StartPositions}), so a group with nothing
 * committed has not started on the partition yet, and is waited for like one that is behind.
 */
@ApplicationScoped
public class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class);
    private static final long POLL_MILLIS = 10;

    private final KafkaOffsets kafka;
    private final ConsistencyConfig config;
    private final Config mpConfig;

    public CatchUp(KafkaOffsets kafka, ConsistencyConfig config, Config mpConfig) {
        this.kafka = kafka;
        this.config = config;
        this.mpConfig = mpConfig;
    }

    /**
     * Waits until the consumer group of incoming {@code channel} has applied the partition that holds {@code key}
     * up to its end as of now, bounded by {@code capydb.consistency.catch-up-timeout}.
     *
     * @return whether it got there; false means the caller answers from what it has (logged)
     */
    public boolean awaitApplied(String channel, String key) {
        Optional<String> topic = mpConfig.getOptionalValue("mp.messaging.incoming." + channel + ".topic", String.class);
        Optional<String> group = mpConfig.getOptionalValue("mp.messaging.incoming." + channel + ".group.id",
                String.class);
        boolean enabled = mpConfig.getOptionalValue("mp.messaging.incoming." + channel + ".enabled", Boolean.class)
                .orElse(true);
        if (topic.isEmpty() || group.isEmpty() || !enabled) {
            return true;   // this service has no such channel (project-service owns projects): nothing to wait for
        }
        long deadline = System.nanoTime() + config.catchUpTimeout().toNanos();
        try {
            TopicPartition tp = new TopicPartition(topic.get(), kafka.partitionFor(topic.get(), key));
            long end = kafka.endOffset(tp);
            while (true) {
                long applied = kafka.committed(List.of(group.get()), tp).get(group.get());
                if (applied >= end) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warnf("%s: group %s is at %d of %s, which ends at %d, after %s; answering from what it has",
                            channel, group.get(), applied, tp, end, config.catchUpTimeout());
                    return false;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (KafkaUnavailable e) {
            LOG.warnf("%s: cannot catch up: %s", channel, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
