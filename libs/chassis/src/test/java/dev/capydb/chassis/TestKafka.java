package dev.capydb.chassis;

import static org.awaitility.Awaitility.await;

import dev.capydb.chassis.consistency.KafkaOffsets;
import dev.capydb.chassis.outbox.KafkaClientSettings;
import dev.capydb.chassis.outbox.OutboxConfig;
import dev.capydb.chassis.outbox.OutboxRelay;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Plain Kafka clients for the chassis tests, to see exactly what the relay put on a topic or to hand it a producer of
 * the test's own. They connect as the application does (its bootstrap servers and security settings): the local
 * broker admits authenticated clients only.
 */
@Singleton
class TestKafka {

    @Inject
    OutboxConfig config;

    @Inject
    KafkaClientSettings settings;

    @Inject
    KafkaOffsets offsets;

    /** A producer to the broker, configured as the relay's own. */
    Producer<String, String> producer() {
        return OutboxRelay.newProducer(config.bootstrapServers(), 15000, settings.security());
    }

    /** A consumer of every partition of {@code topic}, positioned at its current end (only new records). */
    KafkaConsumer<String, String> consumerAtEnd(String topic) {
        Properties p = new Properties();
        p.putAll(settings.security());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /**
     * Waits until {@code group} has a live member assigned every partition of {@code topic}. A test's group is new
     * each run and starts at the topic's end, so an event published before its first assignment is one it never
     * reads: a test about what the group applies starts once the group reads.
     */
    void awaitReading(String group, String topic) {
        List<TopicPartition> partitions;
        try (KafkaConsumer<String, String> consumer = consumerAtEnd(topic)) {
            partitions = List.copyOf(consumer.assignment());
        }
        await("group " + group + " reading " + topic)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (TopicPartition tp : partitions) {
                        if (!offsets.groupsReading(tp).contains(group)) {
                            return false;
                        }
                    }
                    return true;
                });
    }
}
