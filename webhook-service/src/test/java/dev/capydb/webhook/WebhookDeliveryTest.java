package dev.capydb.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.outbox.KafkaClientSettings;
import dev.capydb.events.EventEnvelope;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import dev.capydb.webhook.Receiver.Answer;
import dev.capydb.webhook.delivery.Signer;
import dev.capydb.webhook.messaging.EventConsumers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook endpoints and Standard Webhooks delivery against a real local receiver. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class WebhookDeliveryTest {

    @Inject
    TestProjects projects;

    @Inject
    EventConsumers consumers;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    KafkaClientSettings kafka;

    private Receiver receiver;
    private UUID project;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new Receiver();
        project = projects.withoutDatabase().id();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private JsonPath create(String path, List<String> types) {
        Map<String, Object> body = types == null
                ? Map.of("url", receiver.url(path))
                : Map.of("url", receiver.url(path), "event_types", types);
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(body)
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    private static long epoch(Receiver.Request r) {
        return Long.parseLong(r.header("webhook-timestamp"));
    }

    private static void assertSigned(Receiver.Request r, String secret) {
        assertTrue(
                Signer.verify(secret, r.header("webhook-id"), epoch(r), r.body(), r.header("webhook-signature")),
                "signature must verify with the endpoint's secret: " + r);
    }

    private JsonPath delivery(String webhookId, String eventType) {
        return given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/{w}/deliveries", project, webhookId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .setRootPath("items.find { it.event_type == '" + eventType + "' }");
    }

    private JsonPath awaitDelivery(String webhookId, String eventType, String status, Duration timeout) {
        return Waits.until(
                timeout,
                "delivery of " + eventType + " becomes " + status,
                () -> delivery(webhookId, eventType),
                d -> status.equals(d.getString("status")));
    }

    @Test
    void deliversSignedEventsOncePerEndpointEvenWhenEventsRepeat() {
        JsonPath onlyBackups = create("/backups", List.of("backup.completed"));
        JsonPath all = create("/all", null);
        String secretA = onlyBackups.getString("secret");
        String secretB = all.getString("secret");
        assertTrue(secretA.startsWith("whsec_"));
        assertTrue(all.getList("event_types")
                .containsAll(List.of(
                        "job.completed",
                        "cutover.completed",
                        "production_overwrite_restore",
                        "import.completed",
                        "preview.expiring")));

        EventEnvelope backup = Events.backupCompleted(project);
        EventEnvelope job = Events.jobCompleted(project);
        // At-least-once delivery: the same events twice within one polled batch, then again one by one.
        assertEquals(2, consumers.handle("webhook-backups", records(backup, job, backup, job)));
        assertFalse(consumers.handle("webhook-backups", Events.json(backup)));
        assertFalse(consumers.handle("webhook-backups", Events.json(job)));

        Receiver.Request a =
                receiver.await("/backups", r -> true, 1, Duration.ofSeconds(10)).get(0);
        List<Receiver.Request> b = receiver.await("/all", r -> true, 2, Duration.ofSeconds(10));
        assertEquals("msg_" + backup.id().toString().replace("-", ""), a.header("webhook-id"));
        assertEquals("application/json", a.header("content-type"));
        assertSigned(a, secretA);
        b.forEach(r -> assertSigned(r, secretB));
        JsonPath body = JsonPath.from(a.body());
        assertEquals("backup.completed", body.getString("type"));
        assertEquals(project.toString(), body.getString("data.project_id"));
        assertNotNull(body.getString("data.sha256"));
        assertNotNull(Instant.parse(body.getString("timestamp")));
        JsonPath jobBody = b.stream()
                .map(r -> JsonPath.from(r.body()))
                .filter(j -> j.getString("type").equals("job.completed"))
                .findFirst()
                .orElseThrow();
        assertEquals(project.toString(), jobBody.getString("data.project_id"), "job events name their project");

        // Give duplicates every chance to show up: still exactly one request per endpoint per event.
        Waits.during(
                Duration.ofMillis(1500),
                "no duplicate requests",
                () -> receiver.requests("/backups").size() == 1
                        && receiver.requests("/all").size() == 2);
        // The secret is shown once, never again.
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/{w}", project, onlyBackups.getString("id"))
                .then()
                .statusCode(200)
                .body("secret", nullValue())
                .body("url", equalTo(receiver.url("/backups")));
        // Claiming and recording wait for the database: on the dispatcher's own threads, never on an event loop.
        awaitDelivery(onlyBackups.getString("id"), "backup.completed", "delivered", Duration.ofSeconds(5));
        assertTrue(
                ThreadRecordingDeliveryStore.THREADS.containsAll(List.of("webhook-dispatcher", "webhook-recorder")),
                "claimed and recorded on " + ThreadRecordingDeliveryStore.THREADS);
        assertTrue(
                ThreadRecordingDeliveryStore.THREADS.stream().noneMatch(t -> t.startsWith("event loop")),
                "claimed and recorded on " + ThreadRecordingDeliveryStore.THREADS);
    }

    @Test
    void failuresAreRetriedWithTheSameIdHonouringRetryAfterThenExhausted() throws Exception {
        AtomicInteger flaky = new AtomicInteger();
        receiver.answer("/flaky", r -> Answer.status(flaky.incrementAndGet() == 1 ? 500 : 204));
        AtomicInteger busy = new AtomicInteger();
        receiver.answer(
                "/busy",
                r -> busy.incrementAndGet() == 1
                        ? new Answer(503, Map.of("Retry-After", "3"), Duration.ZERO, "")
                        : Answer.status(200));
        receiver.answer("/down", r -> Answer.status(500));
        String flakyId = create("/flaky", List.of("backup.completed")).getString("id");
        create("/busy", List.of("backup.completed"));
        String downId = create("/down", List.of("backup.completed")).getString("id");

        try (KafkaConsumer<String, String> tail = tail("capydb.webhooks")) {
            consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));

            List<Receiver.Request> f = receiver.await("/flaky", r -> true, 2, Duration.ofSeconds(10));
            assertEquals(f.get(0).header("webhook-id"), f.get(1).header("webhook-id"), "same webhook-id on retries");
            JsonPath d = awaitDelivery(flakyId, "backup.completed", "delivered", Duration.ofSeconds(5));
            assertEquals(2, d.getInt("attempts"));
            assertEquals(204, d.getInt("last_status_code"));

            List<Receiver.Request> b = receiver.await("/busy", r -> true, 2, Duration.ofSeconds(15));
            long gapMs = Duration.between(b.get(0).at(), b.get(1).at()).toMillis();
            assertTrue(
                    gapMs >= 2900, "Retry-After: 3 must delay the retry beyond the 1 s schedule, was " + gapMs + " ms");

            JsonPath failed = awaitDelivery(downId, "backup.completed", "failed", Duration.ofSeconds(20));
            assertEquals(4, failed.getInt("attempts"), "the test schedule has four attempts");
            assertEquals(500, failed.getInt("last_status_code"));
            assertEquals(4, receiver.requests("/down").size());

            String deliveryId = failed.getString("id");
            ConsumerRecord<String, String> exhausted =
                    await(tail, r -> r.value().contains(deliveryId), Duration.ofSeconds(15));
            JsonPath event = JsonPath.from(exhausted.value());
            assertEquals("webhook.delivery_exhausted", event.getString("type"));
            assertEquals(4, event.getInt("data.attempts"));
            assertEquals(project.toString(), exhausted.key());
        }
    }

    @Test
    void goneDisablesTheEndpointAndRedirectsAreNotFollowed() throws Exception {
        receiver.answer("/gone", r -> Answer.status(410));
        receiver.answer(
                "/moved", r -> new Answer(302, Map.of("Location", receiver.url("/elsewhere")), Duration.ZERO, ""));
        String goneId = create("/gone", List.of("backup.completed")).getString("id");
        String movedId = create("/moved", List.of("backup.completed")).getString("id");

        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        JsonPath gone = awaitDelivery(goneId, "backup.completed", "failed", Duration.ofSeconds(10));
        assertEquals(410, gone.getInt("last_status_code"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/{w}", project, goneId)
                .then()
                .body("status", equalTo("disabled"))
                .body("disabled_reason", startsWith("the endpoint answered 410"));
        given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/webhooks/deliveries/{d}/redeliver", project, gone.getString("id"))
                .then()
                .statusCode(409)
                .body("code", equalTo("webhook_disabled"));

        // A later event is not sent to the disabled endpoint.
        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        JsonPath moved = awaitDelivery(movedId, "backup.completed", "pending", Duration.ofSeconds(5));
        receiver.await("/moved", r -> true, 2, Duration.ofSeconds(10));
        assertEquals(1, receiver.requests("/gone").size());
        assertTrue(receiver.requests("/elsewhere").isEmpty(), "3xx is a failure; redirects are never followed");
        JsonPath movedNow = delivery(movedId, "backup.completed");
        assertEquals(302, movedNow.getInt("last_status_code"));
        assertTrue(movedNow.getString("last_error").contains("redirects are not followed"), moved.prettify());

        // Re-enabled, it receives again; the old delivery can be sent again with its webhook-id.
        receiver.answer("/gone", r -> Answer.status(200));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("active", true))
                .patch("/v1/projects/{p}/webhooks/{w}", project, goneId)
                .then()
                .statusCode(200)
                .body("status", equalTo("active"));
        given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/webhooks/deliveries/{d}/redeliver", project, gone.getString("id"))
                .then()
                .statusCode(202);
        List<Receiver.Request> again = receiver.await("/gone", r -> true, 2, Duration.ofSeconds(10));
        assertEquals(again.get(0).header("webhook-id"), again.get(1).header("webhook-id"));
        awaitDelivery(goneId, "backup.completed", "delivered", Duration.ofSeconds(5));
    }

    @Test
    void anEndpointStreamingAnEndlessBodyIsReadOnlyUpToTheBound() throws Exception {
        receiver.answer("/endless", r -> Answer.endless(200));
        String hook = create("/endless", List.of("backup.completed")).getString("id");
        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        // Its status is the outcome: delivered, not timed out while the body was being buffered.
        JsonPath d = awaitDelivery(hook, "backup.completed", "delivered", Duration.ofSeconds(20));
        assertEquals(200, d.getInt("last_status_code"));
        long streamed = receiver.streamed();
        assertTrue(streamed < 32L * 1024 * 1024, "the connection was dropped early, not after " + streamed + " bytes");
    }

    @Test
    void aHangingEndpointDoesNotHoldUpOthers() throws Exception {
        receiver.answer("/hang", r -> new Answer(200, Map.of(), Duration.ofSeconds(6), ""));
        String hang = create("/hang", List.of("backup.completed")).getString("id");
        create("/fast", List.of("backup.completed"));
        for (int i = 0; i < 10; i++) {
            consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        }
        // The hanging endpoint holds its two slots for the 2 s timeout each; the fast one gets all ten meanwhile.
        receiver.await("/fast", r -> true, 10, Duration.ofSeconds(6));
        // Three recorded attempts: with two slots the third began only after one timed out, so overlaps would show.
        List<long[]> spans = Waits.until(
                Duration.ofSeconds(20),
                "three timed-out attempts to the hanging endpoint",
                () -> attemptSpans(hang),
                s -> s.size() >= 3);
        long maxOverlap = spans.stream()
                .mapToLong(s ->
                        spans.stream().filter(o -> o[0] <= s[0] && s[0] < o[1]).count())
                .max()
                .orElse(0);
        assertTrue(maxOverlap <= 2, "at most two attempts in flight to one endpoint, saw " + maxOverlap);
    }

    /** The recorded attempts to {@code webhookId} as [start, end] in epoch ms; each must have timed out. */
    private List<long[]> attemptSpans(String webhookId) throws Exception {
        List<long[]> spans = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT a.at, a.duration_ms, a.error FROM webhook_attempt a"
                        + " JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.webhook_id = '" + webhookId
                        + "'")) {
            while (rs.next()) {
                long start = rs.getTimestamp(1).getTime();
                spans.add(new long[] {start, start + rs.getLong(2)});
                assertTrue(rs.getString(3).startsWith("no response within the timeout"), rs.getString(3));
            }
        }
        return spans;
    }

    @Test
    void anAttemptWhoseWebhookWasDeletedMeanwhileIsDroppedWithoutFailingTheOthers() throws Exception {
        receiver.answer("/slow", r -> new Answer(200, Map.of(), Duration.ofMillis(1500), ""));
        String slow = create("/slow", List.of("backup.completed")).getString("id");
        String fast = create("/fast", List.of("backup.completed")).getString("id");
        double discardedBefore = discardedAttempts();
        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        receiver.await("/slow", r -> true, 1, Duration.ofSeconds(5));
        // Deleted while its request is still waiting for an answer: its deliveries go with it.
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/webhooks/{w}", project, slow)
                .then()
                .statusCode(204);
        awaitDelivery(fast, "backup.completed", "delivered", Duration.ofSeconds(5));
        Waits.until(Duration.ofSeconds(5), "the late answer is counted", () -> discardedAttempts() != discardedBefore);
        assertEquals(discardedBefore + 1, discardedAttempts(), "the late answer is counted as discarded, not lost");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                java.sql.ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM webhook_delivery WHERE webhook_id = '" + slow + "'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "nothing of the deleted webhook came back");
        }
    }

    /** capydb_webhook_deliveries_total{outcome="discarded"} from the service's own metrics. */
    private static double discardedAttempts() {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("capydb_webhook_deliveries_total{") && l.contains("outcome=\"discarded\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void privateAndMalformedTargetsAreRefusedAtCreationAndAtDelivery() throws Exception {
        for (String url : List.of(
                "https://10.0.0.1/hook",
                "https://169.254.169.254/latest/meta-data",
                "https://[fd00::1]/x",
                "https://192.168.1.20/x",
                "https://100.64.0.1/x",
                "https://0x7f000001/x",
                "https://2130706433/x")) {
            given().auth()
                    .oauth2(TestTokens.alice())
                    .contentType("application/json")
                    .body(Map.of("url", url))
                    .post("/v1/projects/{p}/webhooks", project)
                    .then()
                    .statusCode(422)
                    .body("code", equalTo("target_not_public"));
        }
        for (String url : List.of("ftp://example.com/x", "https://user:pw@example.com/x", "not a url", "https:///x")) {
            given().auth()
                    .oauth2(TestTokens.alice())
                    .contentType("application/json")
                    .body(Map.of("url", url))
                    .post("/v1/projects/{p}/webhooks", project)
                    .then()
                    .statusCode(422)
                    .body("code", equalTo("validation_failed"));
        }
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("url", receiver.url("/x"), "event_types", List.of("backup.completed", "backup.exploded")))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("event_types"));
        given().auth()
                .oauth2(TestTokens.carol())
                .contentType("application/json")
                .body(Map.of("url", receiver.url("/x")))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));

        // An endpoint whose name now resolves somewhere private (as after a DNS change) gets nothing.
        String id = create("/x", List.of("backup.completed")).getString("id");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE webhook SET url = 'https://10.1.2.3/hook' WHERE id = '" + id + "'");
        }
        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        JsonPath d = Waits.until(
                Duration.ofSeconds(10),
                "the delivery to the now private address is refused",
                () -> delivery(id, "backup.completed"),
                x -> x.get("last_error") != null);
        assertTrue(d.getString("last_error").startsWith("refused:"), d.prettify());
        assertNull(d.get("last_status_code"), "no request was made");
    }

    @Test
    void testEventsRotationAndRedelivery() throws Exception {
        JsonPath hook = create("/hook", List.of("backup.completed"));
        String id = hook.getString("id");
        String oldSecret = hook.getString("secret");

        given().auth()
                .oauth2(TestTokens.bob())
                .post("/v1/projects/{p}/webhooks/{w}/test", project, id)
                .then()
                .statusCode(202)
                .body("event_type", equalTo("webhook.test"));
        Receiver.Request test =
                receiver.await("/hook", r -> true, 1, Duration.ofSeconds(10)).get(0);
        assertEquals("webhook.test", JsonPath.from(test.body()).getString("type"));
        assertSigned(test, oldSecret);

        String newSecret = given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/webhooks/{w}/rotate-secret", project, id)
                .then()
                .statusCode(200)
                .body("previous_secret_expires_at", org.hamcrest.Matchers.notNullValue())
                .extract()
                .path("secret");
        assertFalse(newSecret.equals(oldSecret));
        consumers.handle("webhook-backups", Events.json(Events.backupCompleted(project)));
        Receiver.Request after = receiver.await(
                        "/hook", r -> r.body().contains("backup.completed"), 1, Duration.ofSeconds(10))
                .get(0);
        assertEquals(2, after.header("webhook-signature").split(" ").length);
        assertSigned(after, newSecret);
        assertSigned(after, oldSecret);

        String deliveryId = awaitDelivery(id, "backup.completed", "delivered", Duration.ofSeconds(5))
                .getString("id");
        given().auth()
                .oauth2(TestTokens.bob())
                .post("/v1/projects/{p}/webhooks/deliveries/{d}/redeliver", project, deliveryId)
                .then()
                .statusCode(202)
                .body("status", equalTo("pending"));
        List<Receiver.Request> both =
                receiver.await("/hook", r -> r.body().contains("backup.completed"), 2, Duration.ofSeconds(10));
        assertEquals(both.get(0).header("webhook-id"), both.get(1).header("webhook-id"));
        assertEquals(both.get(0).body(), both.get(1).body(), "a redelivery sends the same message");

        // Deleting the endpoint stops everything for it.
        given().auth()
                .oauth2(TestTokens.bob())
                .delete("/v1/projects/{p}/webhooks/{w}", project, id)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/{w}", project, id)
                .then()
                .statusCode(404);
    }

    private KafkaConsumer<String, String> tail(String topic) {
        Properties p = new Properties();
        p.putAll(kafka.security());
        p.put("bootstrap.servers", "127.0.0.1:" + System.getenv().getOrDefault("CAPYDB_KAFKA_PORT", "9092"));
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position); // resolve the end offsets now, before anything is published
        return c;
    }

    private static ConsumerRecord<String, String> await(
            KafkaConsumer<String, String> c,
            java.util.function.Predicate<ConsumerRecord<String, String>> wanted,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
                if (wanted.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no matching record within " + timeout);
    }

    private static List<ConsumerRecord<String, String>> records(EventEnvelope... events) {
        List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
        for (EventEnvelope e : events) {
            out.add(new ConsumerRecord<>("capydb.backups", 0, out.size(), e.id().toString(), Events.json(e)));
        }
        return out;
    }
}
