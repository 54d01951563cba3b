package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.consistency.ConsumerBarrier;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.chassis.outbox.PublishOnCommit;
import dev.capydb.chassis.outbox.PublishedEvent;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes with the relay on and this test application's own project read model consuming
 * {@code capydb.projects}: a committed event is in Kafka when the commit returns, a project announced an instant ago
 * is found by the very next lookup, and a writer can wait until every consumer has applied its event.
 */
@QuarkusTest
@TestProfile(ReadYourWritesTest.RelayOn.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReadYourWritesTest {

    /** The relay publishes on commit, as in every service; its scheduled tick is off, so only the commit publishes. */
    public static class RelayOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capydb.outbox.relay-enabled", "true", "quarkus.scheduler.enabled", "false");
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    ProjectAccess access;

    @Inject
    ProjectReadModel readModel;

    @Inject
    ConsumerBarrier barrier;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TestKafka testKafka;

    @ConfigProperty(name = "mp.messaging.incoming.projects.group.id")
    String group;

    @BeforeEach
    void theReadModelIsReading() {
        testKafka.awaitReading(group, "capydb.projects");
    }

    @Test
    void aCommittedEventIsInKafkaWhenTheCommitReturns() throws Exception {
        UUID project = UUID.randomUUID();
        EventEnvelope created = TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1);
        try (KafkaConsumer<String, String> consumer = testKafka.consumerAtEnd("capydb.projects")) {
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(created));
            // No relay tick (the scheduler is off here): the commit itself published it.
            assertEquals(0, unpublished(project));
            List<PublishedEvent> published = PublishOnCommit.lastPublished();
            assertEquals(
                    List.of(created.id()),
                    published.stream().map(PublishedEvent::id).toList());
            ConsumerRecord<String, String> record = find(consumer, created.id());
            assertEquals(published.get(0).partition(), record.partition());
            assertEquals(published.get(0).offset(), record.offset());
        }
    }

    @Test
    void aProjectAnnouncedAnInstantAgoIsFoundByTheNextLookup() {
        for (int i = 0; i < 5; i++) {
            UUID project = UUID.randomUUID();
            QuarkusTransaction.requiringNew()
                    .run(() -> outbox.publish(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1)));
            assertTrue(access.find(project).isPresent(), "round " + i + ": the read model had not applied it");
        }
        assertEquals(Optional.empty(), access.find(UUID.randomUUID()), "an unknown project is still unknown");
    }

    @Test
    void aWriterCanWaitUntilEveryConsumerAppliedItsEvent() {
        UUID project = UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> outbox.publish(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1)));
        QuarkusTransaction.requiringNew()
                .run(() -> outbox.publish(TestEvents.project(EventType.PROJECT_DELETED, project, "deleted", 2)));
        assertTrue(barrier.awaitConsumed(PublishOnCommit.lastPublished()));
        // The read model applied the delete before the barrier let the writer go: no lookup needed to catch up.
        assertEquals("deleted", readModel.find(project).orElseThrow().status());
    }

    private long unpublished(UUID project) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM outbox_event WHERE published_at IS NULL AND event_key = '"
                                + project + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static ConsumerRecord<String, String> find(KafkaConsumer<String, String> consumer, UUID eventId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (EventJson.read(r.value()).id().equals(eventId)) {
                    return r;
                }
            }
        }
        throw new AssertionError("event " + eventId + " is not on the topic");
    }
}
