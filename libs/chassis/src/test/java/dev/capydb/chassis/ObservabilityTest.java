package dev.capydb.chassis;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.chassis.outbox.OutboxRelay;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.JobPayload;
import dev.capydb.testing.LogCapture;
import dev.capydb.testing.PrometheusText;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chassis' observability against the real PostgreSQL and Kafka: job and outbox metrics at /q/metrics,
 * readiness covering the database and Kafka, a request's trace carried through the outbox and a Kafka header into
 * the consumer, and request/project ids in the logging context.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ObservabilityTest {

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    Inbox inbox;

    @Inject
    Tracer tracer;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TestKafka testKafka;

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double sample(String metrics, String name, String... labels) {
        return PrometheusText.sum(metrics, name, labels);
    }

    private static EventEnvelope jobEnded(EventType type, String kind, Duration took) {
        UUID job = UUID.randomUUID();
        Instant end = Instant.now();
        return EventEnvelope.of(
                type,
                "chassis-test",
                "acme",
                UUID.randomUUID(),
                null,
                new JobPayload(
                        job,
                        kind,
                        type == EventType.JOB_COMPLETED ? "completed" : "failed",
                        job,
                        null,
                        end.minus(took),
                        end));
    }

    /** Publishes every pending row, so no test leaves rows that another's relay pass would stop at. */
    @AfterEach
    void drainOutbox() {
        try (Producer<String, String> up = testKafka.producer()) {
            while (relay.relayPending(up) > 0) {
                // until nothing is pending
            }
        }
    }

    @Test
    void jobEndingsAreTimedByKindAndOutcomeOnceTheirTransactionCommits() {
        String kind = "kind" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(jobEnded(EventType.JOB_COMPLETED, kind, Duration.ofSeconds(3)));
            outbox.publish(jobEnded(EventType.JOB_COMPLETED, kind, Duration.ofSeconds(1)));
            outbox.publish(jobEnded(EventType.JOB_FAILED, kind, Duration.ofSeconds(2)));
        });
        String rolledBack = "kind" + UUID.randomUUID().toString().substring(0, 8);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                outbox.publish(jobEnded(EventType.JOB_FAILED, rolledBack, Duration.ofSeconds(5)));
                throw new IllegalStateException("the job's ending is rolled back");
            });
        } catch (IllegalStateException expected) {
            // counted nowhere, as if it never ended
        }

        String m = metrics();
        String k = "kind=\"" + kind + "\"";
        assertEquals(2.0, sample(m, "capydb_job_duration_seconds_count", k, "outcome=\"completed\""), m);
        assertEquals(4.0, sample(m, "capydb_job_duration_seconds_sum", k, "outcome=\"completed\""), 0.01);
        assertEquals(1.0, sample(m, "capydb_job_duration_seconds_count", k, "outcome=\"failed\""));
        assertFalse(m.contains(rolledBack), "a rolled-back job ending must not be counted");
    }

    @Test
    void outboxLagShowsRowsKafkaHasNotTakenAndClearsWhenItHas() throws Exception {
        UUID project = UUID.randomUUID();
        EventEnvelope created = TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1);
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(created));
        // The age gauge counts in seconds: the row is dated back instead of the test waiting for it to age.
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "UPDATE outbox_event SET created_at = created_at - interval '2 seconds' WHERE id = ?")) {
            st.setObject(1, created.id());
            assertEquals(1, st.executeUpdate());
        }
        try (Producer<String, String> down = OutboxRelay.newProducer("127.0.0.1:1", 2000)) {
            relay.relayPending(down);
        }
        String m = metrics();
        assertTrue(sample(m, "capydb_outbox_unpublished") >= 1.0, m);
        assertTrue(sample(m, "capydb_outbox_oldest_unpublished_age_seconds") >= 1.0, m);

        drainOutbox();
        m = metrics();
        assertEquals(0.0, sample(m, "capydb_outbox_unpublished"), m);
        assertEquals(0.0, sample(m, "capydb_outbox_oldest_unpublished_age_seconds"), m);
    }

    @Test
    void readinessCoversTheDatabaseAndKafka() {
        JsonPath ready =
                given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", ready.getString("status"));
        List<String> names = ready.getList("checks.name");
        assertTrue(names.stream().anyMatch(n -> n.contains("Database")), "no database check in " + names);
        assertTrue(names.stream().anyMatch(n -> n.contains("Kafka")), "no Kafka check in " + names);
        assertTrue(ready.getList("checks.status").stream().allMatch("UP"::equals), ready.prettify());
    }

    @Test
    void aRequestsTraceTravelsThroughTheOutboxAndKafkaIntoTheConsumer() throws Exception {
        UUID project = UUID.randomUUID();
        EventEnvelope event = TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1);
        Span request = tracer.spanBuilder("test request").startSpan();
        String traceId = request.getSpanContext().getTraceId();
        try (Scope ignored = request.makeCurrent()) {
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(event));
        } finally {
            request.end();
        }
        assertTrue(storedTraceparent(event.id()).contains(traceId), "the outbox row keeps the request's trace");

        ConsumerRecord<String, String> record;
        try (KafkaConsumer<String, String> consumer = testKafka.consumerAtEnd("capydb.projects");
                Producer<String, String> up = testKafka.producer()) {
            while (relay.relayPending(up) > 0) {
                // publish everything pending, ours included
            }
            record = awaitRecord(consumer, project.toString());
        }
        Header header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "the relay must put the trace into a Kafka header");
        assertTrue(new String(header.value(), StandardCharsets.UTF_8).contains(traceId));

        AtomicReference<Span> during = new AtomicReference<>();
        assertTrue(inbox.process("observability-test-" + UUID.randomUUID(), record, e -> during.set(Span.current())));
        assertEquals(traceId, during.get().getSpanContext().getTraceId(), "the consumer's work joins the trace");
        assertNotEquals(
                request.getSpanContext().getSpanId(),
                during.get().getSpanContext().getSpanId(),
                "in a span of its own");
    }

    @Test
    void requestAndProjectIdsAreInTheLoggingContextOfARequest() {
        UUID project = UUID.randomUUID();
        try (LogCapture logs = LogCapture.start()) {
            given().header("X-Request-Id", "req-observability-1")
                    .get("/test/projects/{id}/log", project)
                    .then()
                    .statusCode(200);
            LogCapture.Line line = logs.containing("handling a request about " + project).stream()
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the resource's line was not logged"));
            assertEquals("req-observability-1", line.mdc().get("request_id"));
            assertEquals(project.toString(), line.mdc().get("project_id"));
        }
    }

    private String storedTraceparent(UUID eventId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT traceparent FROM outbox_event WHERE id = ?")) {
            st.setObject(1, eventId);
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                return String.valueOf(rs.getString(1));
            }
        }
    }

    private static ConsumerRecord<String, String> awaitRecord(KafkaConsumer<String, String> consumer, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (key.equals(r.key())) {
                    return r;
                }
            }
        }
        throw new AssertionError("no record with key " + key);
    }
}
