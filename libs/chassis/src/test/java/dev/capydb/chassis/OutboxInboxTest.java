package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.chassis.outbox.OutboxRelay;
import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.testing.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * The outbox and inbox against the real PostgreSQL and the real Kafka broker: an event written while Kafka is
 * unreachable is published once it is reachable, in order, and handled exactly once per id by a consumer even
 * when delivered twice.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class OutboxInboxTest {

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    Inbox inbox;

    @Inject
    ProjectReadModel readModel;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TestKafka testKafka;

    @Test
    void eventWrittenWhileKafkaIsDownIsPublishedWhenItIsBackAndHandledOnce() throws Exception {
        UUID project = UUID.randomUUID();
        List<EventEnvelope> events = List.of(
                TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1),
                TestEvents.project(EventType.PROJECT_UPDATED, project, "restoring", 2),
                TestEvents.project(EventType.PROJECT_UPDATED, project, "active", 3));
        QuarkusTransaction.requiringNew().run(() -> events.forEach(outbox::publish));

        try (KafkaConsumer<String, String> consumer = consumerAtEnd()) {
            // Kafka down: nothing to talk to on port 1.
            try (Producer<String, String> down = OutboxRelay.newProducer("127.0.0.1:1", 2000)) {
                assertEquals(0, relay.relayPending(down));
            }
            assertEquals(3, unpublished(project), "rows must stay unpublished while Kafka is down");
            assertTrue(lastError(project).contains("Timeout")
                    || !lastError(project).isBlank());

            // Kafka back.
            try (Producer<String, String> up = testKafka.producer()) {
                assertTrue(relay.relayPending(up) >= 3);
                assertEquals(0, unpublished(project));
                // Simulate a relay crash after publishing but before marking: the rows go out a second time.
                exec("UPDATE outbox_event SET published_at = NULL WHERE event_key = '" + project + "'");
                assertTrue(relay.relayPending(up) >= 3);
            }

            List<String> received = poll(consumer, project, 6);
            assertEquals(6, received.size(), "each event is on the topic twice (at-least-once)");
            List<UUID> order =
                    received.stream().map(j -> EventJson.read(j).id()).limit(3).toList();
            assertEquals(events.stream().map(EventEnvelope::id).toList(), order, "per-key order is kept");

            AtomicInteger handled = new AtomicInteger();
            for (String json : received) {
                inbox.process("outbox-inbox-test", json, e -> handled.incrementAndGet());
            }
            assertEquals(3, handled.get(), "each event id is handled exactly once");
        }
    }

    @Test
    void aFailingHandlerLeavesNoInboxRecordSoTheEventIsRetried() {
        EventEnvelope event = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        String json = EventJson.write(event);
        AtomicInteger calls = new AtomicInteger();
        boolean ran = inbox.process("retry-test", json, e -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("database hiccup");
            }
        });
        assertTrue(ran);
        assertEquals(3, calls.get());
        assertFalse(inbox.process("retry-test", json, e -> calls.incrementAndGet()));
        assertEquals(3, calls.get());
        assertFalse(inbox.process("retry-test", "{not json", e -> calls.incrementAndGet()), "malformed is skipped");
        assertFalse(inbox.process("retry-test", "{}", e -> calls.incrementAndGet()), "JSON without an envelope too");
        assertFalse(inbox.process("retry-test", "{\"type\":\"project.created\"}", e -> calls.incrementAndGet()));
        assertEquals(3, calls.get());
    }

    @Test
    void anEventThatCannotReachTheDatabaseWaitsForItInsteadOfBeingParked() throws Exception {
        EventEnvelope event = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        AtomicInteger calls = new AtomicInteger();
        // More failures than capydb.inbox.max-attempts (3): a restarting database is not a poison event.
        assertTrue(
                inbox.process("database-away-test", EventJson.write(event), e -> {
                    if (calls.incrementAndGet() <= 5) {
                        throw new IllegalStateException(
                                "commit failed",
                                new java.sql.SQLException(
                                        "An I/O error occurred while sending to the backend.", "08006"));
                    }
                }),
                "handled once the database answers");
        assertEquals(6, calls.get());
        try (var c = dataSource.getConnection();
                var st = c.createStatement();
                var rs = st.executeQuery(
                        "SELECT count(*) FROM inbox_dead_letter WHERE event_id = '" + event.id() + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "nothing parked");
        }
    }

    @Test
    void aPoisonEventIsParkedNotLostAndTheConsumerGoesOn() throws Exception {
        EventEnvelope poison = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        AtomicInteger calls = new AtomicInteger();
        assertFalse(
                inbox.process("poison-test", EventJson.write(poison), e -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("null value in column \"sha256\" violates not-null constraint");
                }),
                "the handler never succeeded");
        assertEquals(3, calls.get(), "retried up to capydb.inbox.max-attempts");
        try (var c = dataSource.getConnection();
                var st = c.createStatement();
                var rs = st.executeQuery(
                        "SELECT type, attempts, error, payload FROM inbox_dead_letter WHERE event_id = '" + poison.id()
                                + "' AND consumer = 'poison-test'")) {
            assertTrue(rs.next(), "the event is kept");
            assertEquals("project.created", rs.getString(1));
            assertEquals(3, rs.getInt(2));
            assertTrue(rs.getString(3).contains("sha256"));
            assertEquals(poison.id(), EventJson.read(rs.getString(4)).id());
        }
        // Redelivered, it is skipped; the next event is handled as usual.
        assertFalse(inbox.process("poison-test", EventJson.write(poison), e -> calls.incrementAndGet()));
        assertEquals(3, calls.get());
        EventEnvelope next = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        assertTrue(inbox.process("poison-test", EventJson.write(next), e -> calls.incrementAndGet()));
        assertEquals(4, calls.get());
    }

    @Test
    void aBatchIsHandledOncePerEventAndAPoisonEventInItDoesNotSinkItsNeighbours() {
        EventEnvelope a = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        EventEnvelope poison = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        EventEnvelope b = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        List<UUID> handled = new ArrayList<>();
        java.util.function.Consumer<EventEnvelope> handler = e -> {
            if (e.id().equals(poison.id())) {
                throw new IllegalStateException("insert failed", new java.sql.SQLException("bad value", "22P02"));
            }
            QuarkusTransaction.joiningExisting().run(() -> handled.add(e.id()));
        };
        // Duplicates in one poll, a malformed record, and one event the database refuses.
        assertEquals(
                2,
                inbox.processBatch(
                        "batch-test",
                        records(
                                EventJson.write(a),
                                EventJson.write(a),
                                "{not json",
                                EventJson.write(poison),
                                EventJson.write(b)),
                        handler));
        assertTrue(handled.containsAll(List.of(a.id(), b.id())), "the neighbours were handled: " + handled);
        assertEquals(
                0,
                inbox.processBatch(
                        "batch-test",
                        records(EventJson.write(a), EventJson.write(poison), EventJson.write(b)),
                        handler),
                "a redelivered batch changes nothing");
        handled.clear();
        EventEnvelope c = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        assertEquals(1, inbox.processBatch("batch-test", records(EventJson.write(c), EventJson.write(c)), handler));
        assertEquals(List.of(c.id()), handled, "handled once, in the batch's own transaction");
    }

    private static List<ConsumerRecord<String, String>> records(String... values) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (String v : values) {
            out.add(new ConsumerRecord<>("capydb.projects", 0, out.size(), null, v));
        }
        return out;
    }

    @Test
    void dataTheDatabaseRefusesIsParkedAtOnceWithoutRetries() {
        EventEnvelope poison = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        AtomicInteger calls = new AtomicInteger();
        assertFalse(inbox.process("poison-sql-test", EventJson.write(poison), e -> {
            calls.incrementAndGet();
            throw new IllegalStateException(
                    "insert failed",
                    new java.sql.SQLException("null value in column \"sha256\" violates not-null constraint", "23502"));
        }));
        assertEquals(1, calls.get(), "a constraint violation will not go away by retrying");
        assertFalse(inbox.process("poison-sql-test", EventJson.write(poison), e -> calls.incrementAndGet()));
        assertEquals(1, calls.get());
    }

    @Test
    void readModelNeverMovesBackwards() {
        UUID project = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            readModel.apply(TestEvents.project(EventType.PROJECT_UPDATED, project, "restoring", 5));
            readModel.apply(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1));
        });
        assertEquals("restoring", readModel.find(project).orElseThrow().status());
        QuarkusTransaction.requiringNew()
                .run(() -> readModel.apply(TestEvents.project(EventType.PROJECT_DELETED, project, "deleted", 6)));
        assertTrue(readModel.find(project).orElseThrow().isDeleted());
    }

    @Test
    void theProjectsChannelFeedsTheReadModel() throws Exception {
        UUID project = UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> outbox.publish(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1)));
        try (Producer<String, String> up = testKafka.producer()) {
            assertTrue(relay.relayPending(up) >= 1);
        }
        Waits.until(
                "the consumer applied project.created",
                () -> readModel.find(project).isPresent());
    }

    private KafkaConsumer<String, String> consumerAtEnd() {
        return testKafka.consumerAtEnd("capydb.projects");
    }

    private static List<String> poll(KafkaConsumer<String, String> consumer, UUID project, int want) {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < want && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (project.toString().equals(r.key())) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    private long unpublished(UUID project) throws Exception {
        return queryLong(
                "SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND event_key = '" + project + "'");
    }

    private String lastError(UUID project) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT coalesce(max(last_error), '') FROM outbox_event WHERE event_key = '" + project + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long queryLong(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
