package dev.capydb.chassis;

import static org.awaitility.Awaitility.await;

import dev.capydb.chassis.consistency.KafkaOffsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Plain Kafka consumers for the chassis tests, to see exactly what the relay put on a topic. */
final class TestKafka {

    private TestKafka() {
    }

    /** A consumer of every partition of {@code topic}, positioned at its current end (only new records). */
    static KafkaConsumer<String, String> consumerAtEnd(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
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
    static void awaitReading(KafkaOffsets kafka, String bootstrap, String group, String topic) {
        List<TopicPartition> partitions;
        try (KafkaConsumer<String, String> consumer = consumerAtEnd(bootstrap, topic)) {
            partitions = List.copyOf(consumer.assignment());
        }
        await("group " + group + " reading " + topic).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    for (TopicPartition tp : partitions) {
                        if (!kafka.groupsReading(tp).contains(group)) {
                            return false;
                        }
                    }
                    return true;
                });
    }
}
