package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.inbox.AppliedPositions;
import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.chassis.outbox.PublishOnCommit;
import dev.capydb.chassis.outbox.PublishedEvent;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.events.EventType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service's own copies catch up on the positions its inbox records with each handler's changes, not on Kafka's
 * offset commits: here the consumer commits only once a minute, so a lookup that found a project announced an instant
 * ago can only have waited for the recorded position.
 */
@QuarkusTest
@TestProfile(AppliedPositionsTest.SlowCommits.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AppliedPositionsTest {

    /** Publish on commit as in every service; the consumer commits its offsets once a minute. */
    public static class SlowCommits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "capydb.outbox.relay-enabled",
                    "true",
                    "quarkus.scheduler.enabled",
                    "false",
                    "mp.messaging.connector.smallrye-kafka.auto.commit.interval.ms",
                    "60000",
                    "capydb.consistency.catch-up-timeout",
                    "PT5S");
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    ProjectAccess access;

    @Inject
    AppliedPositions positions;

    @Inject
    Inbox inbox;

    @ConfigProperty(name = "mp.messaging.incoming.projects.group.id")
    String group;

    @Inject
    TestKafka testKafka;

    @BeforeEach
    void theReadModelIsReading() {
        testKafka.awaitReading(group, "capydb.projects");
    }

    @Test
    void aProjectAnnouncedAnInstantAgoIsFoundWithoutWaitingForAnOffsetCommit() {
        for (int i = 0; i < 5; i++) {
            UUID project = UUID.randomUUID();
            QuarkusTransaction.requiringNew()
                    .run(() -> outbox.publish(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1)));
            PublishedEvent published = PublishOnCommit.lastPublished().get(0);
            long t0 = System.nanoTime();
            assertTrue(access.find(project).isPresent(), "round " + i + ": the read model had not applied it");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            // The position the inbox recorded is past the event, in the read model's own transaction.
            assertTrue(positions.nextOffset("project-read-model", published.topic(), published.partition())
                    > published.offset());
            assertTrue(millis < 5_000, "found after " + millis + " ms: it waited out the catch-up");
        }
    }

    @Test
    void everyDeliveredRecordMovesThePositionOnEvenOneThatIsSkipped() {
        String topic = "capydb.test-positions-" + UUID.randomUUID();
        String event = dev.capydb.events.EventJson.write(
                TestEvents.project(EventType.PROJECT_CREATED, UUID.randomUUID(), "active", 1));
        inbox.process("positions-test", new ConsumerRecord<>(topic, 3, 41L, null, "not json"), e -> {});
        assertEquals(42, positions.nextOffset("positions-test", topic, 3), "a malformed message is passed too");
        inbox.process("positions-test", new ConsumerRecord<>(topic, 3, 57L, null, event), e -> {});
        // The same event again (a redelivery at a later offset): skipped, and passed.
        inbox.process("positions-test", new ConsumerRecord<>(topic, 3, 58L, null, event), e -> {});
        assertEquals(59, positions.nextOffset("positions-test", topic, 3));
        // An older offset (a replay after a rebalance) never moves it back.
        inbox.process("positions-test", new ConsumerRecord<>(topic, 3, 12L, null, event), e -> {});
        assertEquals(59, positions.nextOffset("positions-test", topic, 3));
        assertEquals(-1, positions.nextOffset("positions-test", topic, 4), "nothing applied in another partition");
    }
}
