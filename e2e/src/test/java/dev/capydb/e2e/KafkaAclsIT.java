package dev.capydb.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local broker holds each service to the ACLs of its KafkaUser in k8s (dev/stack applies them): logged in with a
 * service's own credentials, as dev/stack hands them to it, a client may write only the topic that service owns and
 * join only consumer groups named after it.
 */
class KafkaAclsIT {

    /** Each service's own topic (the one its outbox publishes to; k8s KafkaAccessTest checks it against the code). */
    private static final Map<String, String> OWN_TOPIC = Map.of(
            "project-service", "capydb.projects",
            "backup-service", "capydb.backups",
            "restore-service", "capydb.restores",
            "import-service", "capydb.imports",
            "cutover-service", "capydb.cutovers",
            "webhook-service", "capydb.webhooks");

    static List<String> services() {
        return OWN_TOPIC.keySet().stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("services")
    void aServiceCannotWriteATopicItDoesNotOwn(String service) {
        for (String topic : OWN_TOPIC.values()) {
            if (topic.equals(OWN_TOPIC.get(service))) {
                continue;
            }
            // A producer each: how one refusal leaves a producer is not what this is about.
            try (KafkaProducer<String, String> producer = producer(service)) {
                Throwable refused = send(producer, topic, "not for " + service + " to write");
                assertInstanceOf(TopicAuthorizationException.class, refused, service + " writing " + topic);
            }
        }
    }

    @Test
    void aServiceWritesItsOwnTopic() {
        // webhook-service's topic: only webhook-service reads it, so this made-up job touches no other service.
        String now = Instant.now().toString();
        String job = UUID.randomUUID().toString();
        String event = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"job.completed\",\"source\":\"kafka-acls\","
                + "\"time\":\"" + now + "\",\"org_id\":\"acme\",\"project_id\":\"" + UUID.randomUUID() + "\","
                + "\"correlation_id\":null,\"data\":{\"job_id\":\"" + job + "\",\"job_kind\":\"kafka-acls\","
                + "\"status\":\"completed\",\"resource_id\":\"" + job + "\",\"error\":null,\"started_at\":\"" + now
                + "\",\"completed_at\":\"" + now + "\"}}";
        try (KafkaProducer<String, String> producer = producer("webhook-service")) {
            assertNull(send(producer, "capydb.webhooks", event), "webhook-service could not write its own topic");
        }
    }

    @Test
    void aServiceCannotJoinAnotherServicesGroup() {
        // backup-service reads capydb.projects, but in groups of its own: project-service's is not one of them.
        try (KafkaConsumer<String, String> consumer = consumer("backup-service", "project-service")) {
            consumer.subscribe(List.of("capydb.projects"));
            Throwable refused = await("backup-service refused project-service's group")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> pollError(consumer), e -> e != null);
            assertInstanceOf(GroupAuthorizationException.class, refused);
        }
        // The same consumer in a group named after it reads (so the refusal above is about the group).
        try (KafkaConsumer<String, String> consumer =
                consumer("backup-service", "backup-service-acls-" + UUID.randomUUID())) {
            consumer.subscribe(List.of("capydb.projects"));
            await("backup-service reading in its own group")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        Throwable e = pollError(consumer);
                        assertNull(e, "backup-service in its own group");
                        return !consumer.assignment().isEmpty();
                    });
        }
    }

    private static KafkaProducer<String, String> producer(String service) {
        Properties p = Stack.kafkaProducer(service);
        // A refusal is an answer, not a wait: fail within seconds if one never comes.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> consumer(String service, String group) {
        Properties p = Stack.kafka(service);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(p);
    }

    /** What sending one record to {@code topic} ended in: null when the broker took it, else why not. */
    private static Throwable send(KafkaProducer<String, String> producer, String topic, String value) {
        try {
            assertNotNull(
                    producer.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), value))
                            .get());
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** What one poll ended in: null when it returned, else the exception it threw. */
    private static Throwable pollError(KafkaConsumer<String, String> consumer) {
        try {
            consumer.poll(Duration.ofMillis(200));
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
