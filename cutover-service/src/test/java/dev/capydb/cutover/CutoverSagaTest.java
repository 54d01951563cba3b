package dev.capydb.cutover;

import static dev.capydb.cutover.CutoverRequestsTest.body;
import static dev.capydb.cutover.CutoverRequestsTest.request;
import static dev.capydb.cutover.OperatorReviewTest.op;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.outbox.KafkaClientSettings;
import dev.capydb.cutover.messaging.SagaConsumers;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The execution saga: the pre-cutover backup's outcome, then the promotion's, each answered by backup-service and
 * restore-service events carrying the request as correlation id; failures stay failed, nothing is retried.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class CutoverSagaTest {

    @Inject
    Fixtures fx;

    @Inject
    SagaConsumers consumers;

    @Inject
    KafkaClientSettings kafka;

    /** A project, a ready preview and an executed request (in progress, waiting for the pre-cutover backup). */
    record Running(UUID project, UUID preview, UUID request) {}

    private Running executed() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String id = request(TestTokens.alice(), project, body(preview, null, "SUP-100"))
                .statusCode(201)
                .extract()
                .path("id");
        op(TestTokens.olga(), "ack", id, null).statusCode(200);
        op(TestTokens.olga(), "execute", id, null).statusCode(202);
        return new Running(project, preview, UUID.fromString(id));
    }

    private JsonPath state(Running r) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", r.project(), r.request())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void aVerifiedBackupStartsThePromotionAndItsSuccessCompletesTheRequest() throws Exception {
        Running r = executed();
        JsonPath waiting = state(r);
        assertEquals("in_progress", waiting.getString("status"));
        assertEquals("pre_cutover_backup", waiting.getString("waiting_for"));
        assertTrue(waiting.getString("waiting_since") != null);

        UUID backup = UUID.randomUUID();
        String done = Fixtures.backupOutcome(r.request(), r.project(), backup, true, true);
        consumers.onBackupEvent(Records.of(done));
        consumers.onBackupEvent(Records.of(done));
        JsonPath promoting = state(r);
        assertEquals("in_progress", promoting.getString("status"));
        assertEquals("promotion", promoting.getString("waiting_for"));
        assertEquals(backup.toString(), promoting.getString("pre_cutover_backup_id"));

        String restored = Fixtures.restoreOutcome(r.request(), r.project(), r.preview(), true);
        consumers.onRestoreEvent(Records.of(restored));
        consumers.onRestoreEvent(Records.of(restored));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", r.project(), r.request())
                .then()
                .body("status", equalTo("completed"))
                .body("waiting_for", nullValue())
                .body("finished_at", notNullValue())
                .body("reason", nullValue());

        List<EventEnvelope> events = fx.cutoverEvents(r.request());
        assertEquals(
                List.of(
                        "cutover.requested",
                        "cutover.acked",
                        "cutover.execution_started",
                        "cutover.promote_started",
                        "cutover.completed"),
                events.stream().map(EventEnvelope::type).toList(),
                "each step announced once");
        EventEnvelope promote = events.get(3);
        assertEquals(backup.toString(), promote.data().get("backup_id").asText());
        assertEquals(r.preview().toString(), promote.data().get("preview_id").asText());
        assertEquals(r.request().toString(), promote.correlationId());
        assertEquals(r.project(), promote.projectId());
    }

    @Test
    void aFailedPreCutoverBackupFailsTheCutoverWithoutPromoting() throws Exception {
        Running r = executed();
        consumers.onBackupEvent(
                Records.of(Fixtures.backupOutcome(r.request(), r.project(), UUID.randomUUID(), false, null)));
        JsonPath s = state(r);
        assertEquals("failed", s.getString("status"));
        assertTrue(s.getString("reason").contains("pg_dump exited with 1"), s.getString("reason"));
        assertTrue(s.getString("reason").contains("production was not changed"));
        assertEquals(null, s.getString("waiting_for"));
        List<EventEnvelope> events = fx.cutoverEvents(r.request());
        assertEquals("cutover.failed", events.get(events.size() - 1).type());
        assertTrue(events.get(events.size() - 1).data().get("reason").asText().contains("pg_dump exited with 1"));
        assertTrue(events.stream().noneMatch(e -> e.type().equals("cutover.promote_started")));
    }

    @Test
    void anUnverifiedBackupIsNotEnoughToOverwriteProduction() throws Exception {
        Running r = executed();
        UUID backup = UUID.randomUUID();
        consumers.onBackupEvent(Records.of(Fixtures.backupOutcome(r.request(), r.project(), backup, true, false)));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", r.project(), r.request())
                .then()
                .body("status", equalTo("failed"))
                .body("reason", containsString("could not be verified"))
                .body("pre_cutover_backup_id", equalTo(backup.toString()));
        assertTrue(fx.cutoverEventTypes(r.request()).stream().noneMatch(t -> t.equals("cutover.promote_started")));
    }

    @Test
    void aFailedPromotionFailsTheCutoverAndNothingRetriesIt() throws Exception {
        Running r = executed();
        consumers.onBackupEvent(
                Records.of(Fixtures.backupOutcome(r.request(), r.project(), UUID.randomUUID(), true, true)));
        consumers.onRestoreEvent(Records.of(Fixtures.restoreOutcome(r.request(), r.project(), r.preview(), false)));
        JsonPath s = state(r);
        assertEquals("failed", s.getString("status"));
        assertTrue(s.getString("reason").contains("the target was not changed"), s.getString("reason"));
        // Later answers (a second backup, a success that should never come) change nothing, and no step is re-sent.
        consumers.onBackupEvent(
                Records.of(Fixtures.backupOutcome(r.request(), r.project(), UUID.randomUUID(), true, true)));
        op(TestTokens.olga(), "execute", r.request().toString(), null)
                .statusCode(409)
                .body("errors[0].message", equalTo("failed"));
        assertEquals(
                List.of(
                        "cutover.requested",
                        "cutover.acked",
                        "cutover.execution_started",
                        "cutover.promote_started",
                        "cutover.failed"),
                fx.cutoverEventTypes(r.request()));
        // The preview is free for a new request (a human decides to try again).
        request(TestTokens.alice(), r.project(), body(r.preview(), null, "SUP-101"))
                .statusCode(201);
    }

    @Test
    void aPreviewThatExpiredDuringTheBackupIsNotPromoted() throws Exception {
        Running r = executed();
        fx.previewEvent(EventType.PREVIEW_EXPIRED, r.preview(), r.project(), "expired", Instant.now());
        consumers.onBackupEvent(
                Records.of(Fixtures.backupOutcome(r.request(), r.project(), UUID.randomUUID(), true, true)));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", r.project(), r.request())
                .then()
                .body("status", equalTo("failed"))
                .body("reason", containsString("expired before the promotion"));
        assertTrue(fx.cutoverEventTypes(r.request()).stream().noneMatch(t -> t.equals("cutover.promote_started")));
    }

    @Test
    void answersForOtherBackupsAndRestoresAreIgnored() throws Exception {
        Running r = executed();
        // A restore into a preview correlated elsewhere, an unrelated production restore, another request's backup.
        consumers.onRestoreEvent(
                Records.of(Fixtures.restoreOutcome(UUID.randomUUID(), r.project(), r.preview(), true)));
        consumers.onBackupEvent(
                Records.of(Fixtures.backupOutcome(UUID.randomUUID(), r.project(), UUID.randomUUID(), true, true)));
        // The promotion's answer before the backup's is not the step this request waits for.
        consumers.onRestoreEvent(Records.of(Fixtures.restoreOutcome(r.request(), r.project(), r.preview(), true)));
        JsonPath s = state(r);
        assertEquals("in_progress", s.getString("status"));
        assertEquals("pre_cutover_backup", s.getString("waiting_for"));
    }

    @Test
    void anOperatorEndsAStepThatNeverAnswersAndALateAnswerPromotesNothing() throws Exception {
        Running r = executed();
        op(TestTokens.olga(), "fail", r.request().toString(), Map.of()).statusCode(422);
        op(TestTokens.olga(), "fail", r.request().toString(), Map.of("reason", "backup-service is down; SUP-100"))
                .statusCode(200)
                .body("status", equalTo("failed"))
                .body("closed_by", equalTo("olga"))
                .body("reason", containsString("waiting for pre_cutover_backup"))
                .body("reason", containsString("backup-service is down"));
        UUID backup = UUID.randomUUID();
        consumers.onBackupEvent(Records.of(Fixtures.backupOutcome(r.request(), r.project(), backup, true, true)));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", r.project(), r.request())
                .then()
                .body("status", equalTo("failed"))
                .body("late_outcome", containsString(backup.toString()))
                .body("late_outcome", containsString("nothing was promoted"));
        assertEquals(
                List.of("cutover.requested", "cutover.acked", "cutover.execution_started", "cutover.failed"),
                fx.cutoverEventTypes(r.request()));
    }

    @Test
    void theSagaRunsOverKafkaAndItsEventsReachTheCutoversTopic() throws Exception {
        String bootstrap = "127.0.0.1:" + System.getenv().getOrDefault("CAPYDB_KAFKA_PORT", "9092");
        UUID project = fx.project("active");
        UUID preview = UUID.randomUUID();
        Properties pp = new Properties();
        pp.putAll(kafka.security());
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Properties cp = new Properties();
        cp.putAll(kafka.security());
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
                KafkaConsumer<String, String> cutovers = new KafkaConsumer<>(cp)) {
            List<TopicPartition> parts = cutovers.partitionsFor("capydb.cutovers").stream()
                    .map(i -> new TopicPartition("capydb.cutovers", i.partition()))
                    .toList();
            cutovers.assign(parts);
            cutovers.seekToEnd(parts);
            parts.forEach(cutovers::position);

            // The test's consumer groups start at "latest": re-announce until the channel has joined and heard it.
            String id = resend(
                    "preview.ready on capydb.restores reaches the read model",
                    () -> {
                        String ready = EventJsonFor.preview(
                                preview, project, Instant.now().plus(Duration.ofHours(2)));
                        producer.send(new ProducerRecord<>("capydb.restores", project.toString(), ready))
                                .get();
                        var created = request(TestTokens.alice(), project, body(preview, null, "SUP-K"));
                        return created.extract().statusCode() == 201
                                ? created.extract().<String>path("id")
                                : null;
                    },
                    Objects::nonNull);
            op(TestTokens.olga(), "ack", id, null).statusCode(200);
            op(TestTokens.olga(), "execute", id, null).statusCode(202);
            UUID request = UUID.fromString(id);
            Running r = new Running(project, preview, request);

            resend(
                    "the pre-cutover backup's outcome moves the saga to promotion",
                    () -> {
                        producer.send(new ProducerRecord<>(
                                        "capydb.backups",
                                        project.toString(),
                                        Fixtures.backupOutcome(request, project, UUID.randomUUID(), true, true)))
                                .get();
                        return state(r).getString("waiting_for");
                    },
                    "promotion"::equals);
            resend(
                    "the promotion's outcome completes the saga",
                    () -> {
                        producer.send(new ProducerRecord<>(
                                        "capydb.restores",
                                        project.toString(),
                                        Fixtures.restoreOutcome(request, project, preview, true)))
                                .get();
                        return state(r).getString("status");
                    },
                    "completed"::equals);

            // The outbox relay published every step on capydb.cutovers, keyed by project, in order.
            List<String> seen = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!seen.contains("cutover.completed") && System.nanoTime() < deadline) {
                for (var rec : cutovers.poll(Duration.ofMillis(500))) {
                    EventEnvelope e = dev.capydb.events.EventJson.read(rec.value());
                    if (id.equals(e.correlationId())) {
                        assertEquals(project.toString(), rec.key());
                        seen.add(e.type());
                    }
                }
            }
            assertEquals(
                    List.of(
                            "cutover.requested",
                            "cutover.acked",
                            "cutover.execution_started",
                            "cutover.promote_started",
                            "cutover.completed"),
                    seen);
        }
    }

    /**
     * Sends and reads {@code step} until {@code done} accepts what it read: the test's consumer groups start at
     * "latest", so an event sent before they joined is never heard and must be sent again (consumers deduplicate).
     */
    private static <T> T resend(String description, Callable<T> step, Predicate<? super T> done) {
        // Half a second between sends keeps the topics from filling with copies while a group is joining.
        return Waits.until(
                Waits.await(description, Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)),
                description,
                step,
                done,
                String::valueOf);
    }

    /** Wire JSON of a preview.ready announcement. */
    static final class EventJsonFor {
        static String preview(UUID preview, UUID project, Instant expiresAt) {
            return dev.capydb.events.EventJson.write(EventEnvelope.of(
                    EventType.PREVIEW_READY,
                    "restore-service",
                    "acme",
                    project,
                    null,
                    new dev.capydb.events.PreviewPayload(
                            preview, project, "pv-kafka", "ready", "local-1", "pv_kafka", expiresAt)));
        }
    }
}
