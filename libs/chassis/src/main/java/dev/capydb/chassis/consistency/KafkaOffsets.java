package dev.capydb.chassis.consistency;

import dev.capydb.chassis.outbox.KafkaClientSettings;
import dev.capydb.chassis.outbox.OutboxConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * What Kafka itself says about a topic: which partition a key lands in, where a partition ends, and how far every
 * consumer group that is reading a partition right now has committed. The broker's metadata, not another service's
 * tables: services still share nothing but the event log.
 */
@ApplicationScoped
public class KafkaOffsets {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final Map<String, Object> security;
    private final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    private Admin admin;

    public KafkaOffsets(OutboxConfig config, KafkaClientSettings kafka) {
        this.bootstrapServers = config.bootstrapServers();
        this.security = kafka.security();
    }

    /** The partition the default producer partitioner puts {@code key} in (murmur2, as the relay's producer does). */
    public int partitionFor(String topic, String key) throws KafkaUnavailable {
        Integer count = partitions.get(topic);
        if (count == null) {
            count = get(admin().describeTopics(List.of(topic)).allTopicNames())
                    .get(topic)
                    .partitions()
                    .size();
            partitions.put(topic, count);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count;
    }

    /** The offset the next record of the partition will get. */
    public long endOffset(TopicPartition tp) throws KafkaUnavailable {
        return get(admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp))
                .offset();
    }

    /**
     * The consumer groups that have a live member assigned {@code tp} now. Groups nobody runs any more are left out:
     * they will never move.
     */
    public List<String> groupsReading(TopicPartition tp) throws KafkaUnavailable {
        List<String> stable = get(admin().listGroups(ListGroupsOptions.forConsumerGroups()
                                .inGroupStates(Set.of(
                                        GroupState.STABLE,
                                        GroupState.PREPARING_REBALANCE,
                                        GroupState.COMPLETING_REBALANCE)))
                        .all())
                .stream()
                .map(GroupListing::groupId)
                .toList();
        if (stable.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described =
                get(admin().describeConsumerGroups(stable).all());
        return described.entrySet().stream()
                .filter(d -> d.getValue().members().stream()
                        .anyMatch(m -> m.assignment().topicPartitions().contains(tp)))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The offset each of {@code groups} has committed in {@code tp} (0 for one that has committed nothing there). */
    public Map<String, Long> committed(List<String> groups, TopicPartition tp) throws KafkaUnavailable {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                get(admin().listConsumerGroupOffsets(specs).all());
        Map<String, Long> out = new HashMap<>();
        groups.forEach(g -> {
            OffsetAndMetadata o = committed.getOrDefault(g, Map.of()).get(tp);
            out.put(g, o == null ? 0L : o.offset());
        });
        return out;
    }

    private static <T> T get(KafkaFuture<T> future) throws KafkaUnavailable {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailable(e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.putAll(security);
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "capydb-consistency");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
            admin = Admin.create(p);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** Kafka did not answer in time; the caller decides whether to wait longer or answer without it. */
    public static class KafkaUnavailable extends Exception {
        KafkaUnavailable(Throwable cause) {
            super("Kafka did not answer: " + cause.getMessage(), cause);
        }
    }
}
