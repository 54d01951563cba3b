package dev.capydb.webhook;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.events.EventEnvelope;
import dev.capydb.testing.LogCapture;
import dev.capydb.testing.PrometheusText;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import dev.capydb.webhook.Receiver.Answer;
import dev.capydb.webhook.messaging.EventConsumers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery metrics (latency from the event's time, attempts by outcome) and, over a realistic flow (endpoints
 * created and rotated, events delivered, retried and exhausted), logs that never show a secret or a token.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ObservabilityTest {

    @Inject
    TestProjects projects;

    @Inject
    EventConsumers consumers;

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

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double sample(String metrics, String name, String... labels) {
        return PrometheusText.sum(metrics, name, labels);
    }

    private JsonPath create(String path) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("url", receiver.url(path), "event_types", List.of("backup.completed")))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    private void awaitStatus(String webhookId, String status) {
        Waits.until(
                Duration.ofSeconds(20),
                "a delivery of " + webhookId + " becomes " + status,
                () -> given().auth()
                        .oauth2(TestTokens.bob())
                        .get("/v1/projects/{p}/webhooks/{w}/deliveries", project, webhookId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .<String>getList("items.status"),
                statuses -> statuses.contains(status));
    }

    @Test
    void deliveriesAreTimedFromTheEventAndCountedByOutcomeWhileLogsKeepEverySecretOut() throws Exception {
        double deliveredBefore = sample(metrics(), "capydb_webhook_deliveries_total", "outcome=\"delivered\"");
        double latencyBefore = sample(metrics(), "capydb_webhook_delivery_latency_seconds_count");
        double failedBefore = sample(metrics(), "capydb_webhook_deliveries_total", "outcome=\"failed\"");
        receiver.answer("/down", r -> Answer.status(500));
        List<String> secrets = new ArrayList<>();

        try (LogCapture logs = LogCapture.start()) {
            JsonPath ok = create("/ok");
            JsonPath down = create("/down");
            secrets.add(ok.getString("secret"));
            secrets.add(down.getString("secret"));
            secrets.add(given().auth()
                    .oauth2(TestTokens.alice())
                    .post("/v1/projects/{p}/webhooks/{w}/rotate-secret", project, ok.getString("id"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getString("secret"));

            // The event happened a little before it is delivered: latency must show it.
            EventEnvelope event =
                    Events.at(Events.backupCompleted(project), Instant.now().minusMillis(300));
            consumers.handle("webhook-backups", Events.json(event));
            awaitStatus(ok.getString("id"), "delivered");
            awaitStatus(down.getString("id"), "failed");

            List<Receiver.Request> sent = new ArrayList<>(receiver.requests("/ok"));
            sent.addAll(receiver.requests("/down"));
            List<String> forbidden = new ArrayList<>(secrets);
            forbidden.add("whsec_");
            forbidden.add(TestTokens.alice());
            forbidden.add(TestTokens.bob());
            sent.forEach(r -> forbidden.add(r.header("webhook-signature")));
            assertFalse(logs.lines().isEmpty(), "the capture must see the service's logs");
            assertFalse(logs.containing("failed after 4 attempts").isEmpty(), "the exhausted delivery is logged");
            for (String secret : forbidden) {
                assertEquals(List.of(), logs.containing(secret), "logged: " + secret);
            }
        }

        String m = metrics();
        assertEquals(1.0, sample(m, "capydb_webhook_deliveries_total", "outcome=\"delivered\"") - deliveredBefore, m);
        assertEquals(1.0, sample(m, "capydb_webhook_deliveries_total", "outcome=\"failed\"") - failedBefore, m);
        assertTrue(sample(m, "capydb_webhook_deliveries_total", "outcome=\"retry_scheduled\"") >= 3.0, m);
        assertEquals(1.0, sample(m, "capydb_webhook_delivery_latency_seconds_count") - latencyBefore, m);
        assertTrue(
                sample(m, "capydb_webhook_delivery_latency_seconds_max") >= 0.3,
                "latency counts from the event's time, not from the attempt: " + m);
    }
}
