package dev.capydb.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A customer's webhook receiver on this machine gets signed {@code backup.completed} and {@code job.completed};
 * after a restore into the project, a Vercel fake receives the env upsert with the project's real connection strings.
 */
@ExtendWith(ContractGate.class)
class WebhooksE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One received HTTP request. */
    record Hit(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** Records every request and answers 200. */
    // Not WireMock: the customer's signed-webhook receiver, checked byte for byte against the signature it carries.
    static final class Endpoint implements AutoCloseable {
        final HttpServer server;
        final List<Hit> hits = new CopyOnWriteArrayList<>();

        Endpoint(int port) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                hits.add(new Hit(
                        ex.getRequestMethod(),
                        ex.getRequestURI().getPath(),
                        ex.getRequestURI().getRawQuery(),
                        Map.copyOf(ex.getRequestHeaders()),
                        body));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        Hit await(Predicate<Hit> wanted, Duration timeout) {
            List<Hit> seen = Waits.until(
                    timeout,
                    "a matching request",
                    () -> List.copyOf(hits),
                    got -> got.stream().anyMatch(wanted));
            return seen.stream().filter(wanted).findFirst().orElseThrow();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Verifies a Standard Webhooks signature independently of the service's own code. */
    static boolean signedWith(String secret, Hit h) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String signed = h.header("webhook-id") + "." + h.header("webhook-timestamp") + "." + h.body();
        byte[] expected = ("v1,"
                        + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8))))
                .getBytes(StandardCharsets.UTF_8);
        for (String sig : h.header("webhook-signature").split(" ")) {
            if (MessageDigest.isEqual(sig.getBytes(StandardCharsets.UTF_8), expected)) {
                return true;
            }
        }
        return false;
    }

    static Response post(String user, String path, Object body, Object... params) {
        return Stack.api(user).contentType("application/json").body(body).post(path, params);
    }

    static JsonPath awaitStatus(String path, String done, Object... params) throws InterruptedException {
        JsonPath j = Jobs.await(
                () -> Stack.api("alice").get(path, params),
                x -> !x.getString("status").matches("pending|running|queued"),
                Duration.ofSeconds(120));
        assertEquals(done, j.getString("status"), j.prettify());
        return j;
    }

    @Test
    void signedEventsReachTheReceiverAndVercelGetsTheUrlsAfterARestoreIntoTheProject() throws Exception {
        int fakePort = Integer.parseInt(Stack.env("CAPYDB_FAKE_PROVIDERS_PORT", "18091"));
        // The Vercel API, on the port the stack's webhook-service was started with (dev/test).
        WireMockServer vercel =
                new WireMockServer(options().bindAddress("127.0.0.1").port(fakePort));
        vercel.stubFor(any(anyUrl()).willReturn(ok()));
        vercel.start();
        try (Endpoint receiver = new Endpoint(0)) {
            String id = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of(
                            "name", "e2e-wh-" + UUID.randomUUID().toString().substring(0, 8)))
                    .post("/v1/projects")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            String url = Stack.api("alice")
                    .get("/v1/projects/{id}/connection", id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("database_url");
            String unpooled = Stack.api("alice")
                    .get("/v1/projects/{id}/connection", id)
                    .then()
                    .extract()
                    .path("database_url_unpooled");
            Stack.psql(url, "CREATE TABLE items (id int primary key); INSERT INTO items SELECT generate_series(1, 50)");

            Response hook = post(
                    "alice",
                    "/v1/projects/{id}/webhooks",
                    Map.of(
                            "url",
                            receiver.url("/capydb"),
                            "event_types",
                            List.of("backup.completed", "job.completed", "restore.completed")),
                    id);
            hook.then().statusCode(201);
            String secret = hook.path("secret");
            String vercelProject = "prj_e2e" + UUID.randomUUID().toString().substring(0, 6);
            post(
                            "alice",
                            "/v1/projects/{id}/integrations",
                            Map.of("provider", "vercel", "access_token", "vc-e2e-token", "project_id", vercelProject),
                            id)
                    .then()
                    .statusCode(201);

            String backupId = post("alice", "/v1/projects/{id}/backups", Map.of("label", "e2e-webhooks"), id)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            String key = awaitStatus("/v1/projects/{id}/backups/{b}", "completed", id, backupId)
                    .getString("backup_key");

            Hit backup = receiver.await(h -> h.body().contains("\"backup.completed\""), Duration.ofSeconds(30));
            Hit job = receiver.await(h -> h.body().contains("\"job.completed\""), Duration.ofSeconds(30));
            assertTrue(signedWith(secret, backup), "backup.completed must verify with the endpoint's secret");
            assertTrue(signedWith(secret, job), "job.completed must verify with the endpoint's secret");
            JsonNode body = JSON.readTree(backup.body());
            assertEquals(backupId, body.get("data").get("backup_id").asText());
            assertEquals(
                    id, JSON.readTree(job.body()).get("data").get("project_id").asText());

            // Restore the backup over production: the apps' env vars are re-pushed.
            String restoreId = post(
                            "alice",
                            "/v1/projects/{id}/restores",
                            Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true),
                            id)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            awaitStatus("/v1/projects/{id}/restores/{r}", "completed", id, restoreId);
            LoggedRequest upsert = Waits.until(
                            Duration.ofSeconds(30),
                            "the env upsert at the Vercel API",
                            () -> vercel.findAll(
                                    postRequestedFor(urlPathEqualTo("/v10/projects/" + vercelProject + "/env"))),
                            got -> !got.isEmpty())
                    .get(0);
            assertEquals("upsert=true", URI.create(upsert.getUrl()).getRawQuery());
            assertEquals("Bearer vc-e2e-token", upsert.getHeader("Authorization"));
            JsonNode vars = JSON.readTree(upsert.getBodyAsString());
            assertEquals("DATABASE_URL", vars.get(0).get("key").asText());
            assertEquals(url, vars.get(0).get("value").asText(), "the project's real, unchanged connection string");
            assertEquals(unpooled, vars.get(1).get("value").asText());
            assertTrue(signedWith(
                    secret, receiver.await(h -> h.body().contains("\"restore.completed\""), Duration.ofSeconds(30))));

            Stack.api("bob")
                    .queryParam("limit", 100)
                    .get("/v1/projects/{id}/audit-events", id)
                    .then()
                    .statusCode(200)
                    .body("items.type", hasItems("project.created", "backup.completed", "restore.completed"));
            Stack.api("carol").get("/v1/projects/{id}/audit-events", id).then().statusCode(404);
            Stack.api("alice").delete("/v1/projects/{id}", id).then().statusCode(204);
        } finally {
            vercel.stop();
        }
    }
}
