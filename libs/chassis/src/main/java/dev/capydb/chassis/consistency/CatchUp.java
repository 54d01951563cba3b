package dev.capydb.chassis.consistency;

import dev.capydb.chassis.consistency.KafkaOffsets.KafkaUnavailable;
import dev.capydb.chassis.inbox.AppliedPositions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The reader's half of read-your-writes: before this service refuses something because its copy of another
 * service's state lacks it (a 404 for a project or a backup it has not heard of, a preview it thinks is not ready),
 * it waits until it has applied everything Kafka holds in that key's partition, then looks again. A writer's events
 * are in Kafka before the writer answers ({@link dev.capydb.chassis.outbox.PublishOnCommit}), so after the catch-up
 * a miss is a real one. Only misses pay: a lookup that finds what it needs never comes here.
 *
 * <p>"Applied" is, for this service's own copies, the position its inbox recorded with the handler's changes
 * ({@link AppliedPositions}): visible the moment they are, whichever replica handled the event. Kafka's committed
 * offset covers what the inbox never recorded (a group that started at the topic's end commits that start at once:
 * {@link StartPositions}), and is all there is for another service's consumers ({@link #awaitReaders}).
 */
@ApplicationScoped
public class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class);
    private static final long POLL_MILLIS = 5;
    /** Kafka's committed offsets move between polls: asking for them more often than this is wasted. */
    private static final long KAFKA_EVERY_MILLIS = 100;

    private final KafkaOffsets kafka;
    private final AppliedPositions positions;
    private final ConsistencyConfig config;
    private final Config mpConfig;

    public CatchUp(KafkaOffsets kafka, AppliedPositions positions, ConsistencyConfig config, Config mpConfig) {
        this.kafka = kafka;
        this.positions = positions;
        this.config = config;
        this.mpConfig = mpConfig;
    }

    /**
     * Waits until this service has applied the partition of {@code feed}'s topic that holds {@code key} up to its
     * end as of now, bounded by {@code capydb.consistency.catch-up-timeout}.
     *
     * @return whether it got there; false means the caller answers from what it has (logged)
     */
    public boolean awaitApplied(Feed feed, String key) {
        String prefix = "mp.messaging.incoming." + feed.channel();
        Optional<String> topic = mpConfig.getOptionalValue(prefix + ".topic", String.class);
        Optional<String> group = mpConfig.getOptionalValue(prefix + ".group.id", String.class);
        boolean enabled =
                mpConfig.getOptionalValue(prefix + ".enabled", Boolean.class).orElse(true);
        if (topic.isEmpty() || group.isEmpty() || !enabled) {
            return true; // this service has no such channel (project-service owns projects): nothing to wait for
        }
        return await(
                topic.get(),
                key,
                feed.channel(),
                tp -> positions.nextOffset(feed.consumer(), tp.topic(), tp.partition()),
                List.of(group.get()));
    }

    /**
     * Waits until those of {@code groups} that are reading the partition of {@code topic} holding {@code key} right
     * now have committed it up to its end as of now (same bound). This is how a service waits for another service's
     * consumer (by its group name, from Kafka's group metadata, not its tables): a project's status is project-service's
     * copy of restore and import events, so an answer that depends on that status first lets project-service catch up.
     */
    public boolean awaitReaders(String topic, String key, List<String> groups) {
        try {
            TopicPartition tp = new TopicPartition(topic, kafka.partitionFor(topic, key));
            List<String> reading =
                    kafka.groupsReading(tp).stream().filter(groups::contains).toList();
            return reading.isEmpty() || await(topic, key, topic + " readers " + reading, null, reading);
        } catch (KafkaUnavailable e) {
            LOG.warnf("%s: cannot catch up: %s", topic, e.getMessage());
            return false;
        }
    }

    /**
     * @param recorded what this service's own records say it applied in a partition (-1: nothing), or null when only
     *                 Kafka's committed offsets can tell (another service's consumers): then only those are polled
     */
    private boolean await(
            String topic, String key, String what, ToLongFunction<TopicPartition> recorded, List<String> groups) {
        long start = System.nanoTime();
        long deadline = start + config.catchUpTimeout().toNanos();
        try {
            TopicPartition tp = new TopicPartition(topic, kafka.partitionFor(topic, key));
            long end = kafka.endOffset(tp);
            long nextKafkaCheck = start;
            while (true) {
                long applied = recorded != null ? recorded.applyAsLong(tp) : -1;
                if (applied >= end) {
                    LOG.infof(
                            "%s: %s applied up to %d (its end) after %d ms",
                            what, tp, applied, (System.nanoTime() - start) / 1_000_000);
                    return true;
                }
                if (System.nanoTime() >= nextKafkaCheck) {
                    Map<String, Long> committed = kafka.committed(groups, tp);
                    if (committed.values().stream().allMatch(offset -> offset >= end)) {
                        LOG.infof(
                                "%s: %s (end %d) committed by %s, applied here up to %d, after %d ms",
                                what, tp, end, committed, applied, (System.nanoTime() - start) / 1_000_000);
                        return true;
                    }
                    nextKafkaCheck = System.nanoTime() + KAFKA_EVERY_MILLIS * 1_000_000;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warnf(
                            "%s: %s, which ends at %d, not applied after %s; answering from what it has",
                            what, tp, end, config.catchUpTimeout());
                    return false;
                }
                Thread.sleep(recorded != null ? POLL_MILLIS : KAFKA_EVERY_MILLIS);
            }
        } catch (KafkaUnavailable e) {
            LOG.warnf("%s: cannot catch up: %s", what, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
