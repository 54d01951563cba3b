package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.chassis.outbox.ReactiveOutbox;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.threading.Await;
import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The outbox and inbox for services that write through Hibernate Reactive, against the real PostgreSQL: an event
 * commits or rolls back with the state change it announces, an event is handled once per consumer with the
 * handler's writes, and blocking calls from reactive code run on the named pool, then resume on the event loop.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReactiveOutboxInboxTest {

    @Inject
    ReactiveTransactions transactions;

    @Inject
    ReactiveOutbox outbox;

    @Inject
    Inbox inbox;

    @Inject
    BlockingWork blocking;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theEventCommitsWithItsStateChangeAndRollsBackWithIt() throws Exception {
        TestNote kept = TestNote.of("kept");
        EventEnvelope announced = TestEvents.project(EventType.PROJECT_CREATED, kept.id, "active", 1);
        Await.reactive(() -> transactions.run(() -> kept.persist().chain(() -> outbox.publish(announced))));
        assertEquals(1, count("SELECT count(*) FROM test_note WHERE id = '" + kept.id + "'"));
        assertEquals(1, count("SELECT count(*) FROM outbox_event WHERE id = '" + announced.id() + "'"));

        TestNote lost = TestNote.of("lost");
        EventEnvelope never = TestEvents.project(EventType.PROJECT_CREATED, lost.id, "active", 1);
        assertThrows(
                RuntimeException.class,
                () -> Await.reactive(() -> transactions.run(() -> lost.persist()
                        .chain(() -> outbox.publish(never))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change fails"))))));
        assertEquals(0, count("SELECT count(*) FROM test_note WHERE id = '" + lost.id + "'"));
        assertEquals(0, count("SELECT count(*) FROM outbox_event WHERE id = '" + never.id() + "'"), "no orphan event");
    }

    @Test
    void anEventOutsideATransactionIsRefused() {
        EventEnvelope event = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        assertThrows(
                RuntimeException.class, () -> Await.reactive(() -> Panache.withSession(() -> outbox.publish(event))));
        assertEquals(0, count("SELECT count(*) FROM outbox_event WHERE id = '" + event.id() + "'"));
    }

    @Test
    void aReactiveHandlerRunsOncePerEventAndAFailedAttemptLeavesNothing() {
        EventEnvelope event = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        ConsumerRecord<String, String> record =
                new ConsumerRecord<>("capydb.chassis-test", 0, 41, event.partitionKey(), EventJson.write(event));
        AtomicInteger calls = new AtomicInteger();
        boolean ran = inbox.processReactive("reactive-inbox-test", record, e -> {
            TestNote note = TestNote.of("attempt " + calls.incrementAndGet());
            Uni<Void> write = note.persist().replaceWithVoid();
            // The first attempt writes, then fails: its note must not survive.
            return calls.get() == 1
                    ? write.chain(() -> Uni.createFrom().failure(new IllegalStateException("handler hiccup")))
                    : write;
        });
        assertTrue(ran);
        assertEquals(2, calls.get());
        assertEquals(
                0, count("SELECT count(*) FROM test_note WHERE text = 'attempt 1'"), "the failed attempt left nothing");
        assertEquals(1, count("SELECT count(*) FROM test_note WHERE text = 'attempt 2'"));
        assertEquals(
                42,
                count("SELECT next_offset FROM inbox_position WHERE consumer = 'reactive-inbox-test'"
                        + " AND topic = 'capydb.chassis-test' AND kafka_partition = 0"),
                "the position moved with the handler's writes");

        assertFalse(inbox.processReactive("reactive-inbox-test", record, e -> {
            calls.incrementAndGet();
            return Uni.createFrom().voidItem();
        }));
        assertEquals(2, calls.get(), "a redelivered event is skipped");
    }

    @Test
    void aReactiveBatchCommitsOnceAndFallsBackToOneEventAtATime() {
        EventEnvelope first = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        EventEnvelope second = TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1);
        List<ConsumerRecord<String, String>> records = List.of(
                new ConsumerRecord<>("capydb.chassis-batch", 0, 7, first.partitionKey(), EventJson.write(first)),
                new ConsumerRecord<>("capydb.chassis-batch", 0, 8, "k", "not json"),
                new ConsumerRecord<>("capydb.chassis-batch", 0, 9, second.partitionKey(), EventJson.write(second)));
        AtomicInteger calls = new AtomicInteger();
        int fresh = inbox.processBatchReactive("reactive-batch-test", records, e -> {
            int call = calls.incrementAndGet();
            Uni<Void> write = TestNote.of("batch " + e.id()).persist().replaceWithVoid();
            // The second event fails in the batch: the whole batch rolls back, then each event is handled alone.
            return call == 2 ? write.chain(() -> Uni.createFrom().failure(new IllegalStateException("hiccup"))) : write;
        });
        assertEquals(2, fresh);
        assertEquals(4, calls.get(), "two in the failed batch, then one each");
        assertEquals(1, count("SELECT count(*) FROM test_note WHERE text = 'batch " + first.id() + "'"));
        assertEquals(1, count("SELECT count(*) FROM test_note WHERE text = 'batch " + second.id() + "'"));
        assertEquals(
                10,
                count("SELECT next_offset FROM inbox_position WHERE consumer = 'reactive-batch-test'"
                        + " AND topic = 'capydb.chassis-batch' AND kafka_partition = 0"));

        assertEquals(0, inbox.processBatchReactive("reactive-batch-test", records, e -> {
            calls.incrementAndGet();
            return Uni.createFrom().voidItem();
        }));
        assertEquals(4, calls.get(), "a redelivered batch is skipped");
    }

    @Test
    void blockingWorkRunsOnTheNamedPoolAndResumesOnTheEventLoop() throws Exception {
        String[] threads = new String[2];
        Await.reactive(() -> blocking.call(() -> {
                    threads[0] = Thread.currentThread().getName();
                    return Context.isOnWorkerThread();
                })
                .invoke(() -> threads[1] = Context.isOnEventLoopThread()
                        ? "event loop"
                        : Thread.currentThread().getName()));
        assertTrue(threads[0].startsWith(BlockingWork.POOL), "blocking call ran on " + threads[0]);
        assertEquals("event loop", threads[1]);
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
