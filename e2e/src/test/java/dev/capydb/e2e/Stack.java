package dev.capydb.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The running local stack as a client sees it: gateway URL, real Keycloak tokens, Kafka, psql. */
final class Stack {

    /** The Kafka user of the test suites: it may read and write every topic and consumer group (dev/stack). */
    static final String TEST_KAFKA_USER = "capydb-test";

    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private Stack() {}

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static String gateway() {
        return "http://127.0.0.1:" + env("CAPYDB_GATEWAY_PORT", "8080");
    }

    static String keycloak() {
        return "http://127.0.0.1:" + env("CAPYDB_KEYCLOAK_PORT", "18080") + "/realms/capydb";
    }

    /** A real access token from Keycloak: password grant on the CLI client for users, client credentials for machine. */
    static String token(String user) {
        return TOKENS.computeIfAbsent(user, u -> {
            RequestSpecification req = given().contentType("application/x-www-form-urlencoded");
            if (u.equals("machine")) {
                req = req.formParam("grant_type", "client_credentials")
                        .formParam("client_id", "capydb-machine")
                        .formParam("client_secret", env("CAPYDB_MACHINE_SECRET", "capydb-machine-secret"));
            } else {
                req = req.formParam("grant_type", "password")
                        .formParam("client_id", "capydb-cli")
                        .formParam("username", u)
                        .formParam("password", u);
            }
            return req.post(keycloak() + "/protocol/openid-connect/token")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("access_token");
        });
    }

    /** A call as {@code user}; checked against the API contract in the classes under the gate ({@link ContractGate}). */
    static RequestSpecification api(String user) {
        return anonymous().auth().oauth2(token(user));
    }

    /** A call without a token; checked against the API contract in the classes under the gate. */
    static RequestSpecification anonymous() {
        RequestSpecification spec = given().baseUri(gateway());
        return ContractGate.on() ? spec.filter(Contract.get()) : spec;
    }

    /** A call to what the contract does not describe: the document itself, the docs page, a route that is not one. */
    static RequestSpecification outsideContract() {
        return given().baseUri(gateway());
    }

    /** Runs psql against a connection URL and returns its unaligned output. */
    static String psql(String url, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("psql failed: " + out);
        }
        return out.strip();
    }

    /** A tail of {@code topic} from now on: what happens after this call, in order, nothing dropped. */
    static EventTail tail(String topic) {
        KafkaConsumer<String, String> consumer = consumer();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return new EventTail(consumer);
    }

    /**
     * A client config for the stack's Kafka as {@code user}: the file dev/stack writes for each of its users (broker,
     * SASL login), since the broker admits no one else. The suite itself is {@link #TEST_KAFKA_USER}; a service's user
     * is that service's own login, as dev/stack hands it over.
     */
    static Properties kafka(String user) {
        Path file = StackControl.home().resolve("state/kafka/users/" + user + ".properties");
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("no Kafka client config of " + user + " (dev/stack up writes it)", e);
        }
        return props;
    }

    /** A producer config for the stack's Kafka as {@code user}: string keys and values, acknowledged by all replicas. */
    static Properties kafkaProducer(String user) {
        Properties props = kafka(user);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** A consumer of the stack's Kafka without a group (the caller assigns partitions) that commits nothing. */
    static KafkaConsumer<String, String> consumer() {
        Properties props = kafka(TEST_KAFKA_USER);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props);
    }

    /** Records polled from a topic and not yet matched: a later {@link #await} still sees them. */
    static final class EventTail implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> unmatched = new ArrayList<>();

        EventTail(KafkaConsumer<String, String> consumer) {
            this.consumer = consumer;
        }

        /** The first record matching {@code wanted} (removed from the tail), or a failure after {@code timeout}. */
        ConsumerRecord<String, String> await(Predicate<ConsumerRecord<String, String>> wanted, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (int i = 0; i < unmatched.size(); i++) {
                    if (wanted.test(unmatched.get(i))) {
                        return unmatched.remove(i);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no matching event within " + timeout + "; saw "
                            + unmatched.stream().map(ConsumerRecord::value).toList());
                }
                consumer.poll(Duration.ofMillis(500)).forEach(unmatched::add);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
