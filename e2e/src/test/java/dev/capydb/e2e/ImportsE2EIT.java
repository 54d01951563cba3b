package dev.capydb.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Imports through the gateway: a pg_dump -Fc file uploaded to its presigned URL, imported, and seen by psql. */
@ExtendWith(ContractGate.class)
class ImportsE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String project(String prefix) {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", prefix + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String url(String projectId) {
        return Stack.api("alice")
                .get("/v1/projects/{id}/connection", projectId)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, command[0] + " failed: " + out);
    }

    @Test
    void aCustomDumpUploadedToItsPresignedUrlIsImportedAndPsqlSeesTheRows() throws Exception {
        // The customer's old database: another project here, dumped with pg_dump -Fc as the product page says.
        String source = project("e2e-imp-src-");
        Stack.psql(
                url(source),
                "CREATE TABLE items (id int primary key, name text); "
                        + "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1234) g");
        Path dump = Files.createTempFile("e2e-import", ".dump");
        run("pg_dump", "-Fc", "--no-owner", "-d", url(source), "-f", dump.toString());

        String target = project("e2e-imp-dst-");
        // The project was created an instant ago: import-service accepts it at once.
        Response slot = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("filename", "app.dump", "size_bytes", Files.size(dump)))
                .post("/v1/projects/{id}/imports/uploads", target);
        slot.then().statusCode(201).body("method", equalTo("PUT"));
        run("curl", "-sS", "--fail", "-T", dump.toString(), slot.path("upload_url"));

        try (Stack.EventTail events = Stack.tail("capydb.imports")) {
            String importId = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("upload_id", slot.jsonPath().getString("upload_id"), "recreate", true))
                    .post("/v1/projects/{id}/imports", target)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            JsonPath done = Jobs.await(
                    () -> Stack.api("alice").get("/v1/projects/{id}/imports/{i}", target, importId),
                    x -> !x.getString("status").matches("pending|running"),
                    Duration.ofSeconds(120));
            assertEquals("completed", done.getString("status"), done.prettify());
            assertEquals("custom", done.getString("dump_format"));

            assertEquals("1234", Stack.psql(url(target), "SELECT count(*) FROM items"));
            assertEquals("item 77", Stack.psql(url(target), "SELECT name FROM items WHERE id = 77"));

            ConsumerRecord<String, String> completed = events.await(
                    r -> target.equals(r.key()) && r.value().contains("\"import.completed\""), Duration.ofSeconds(30));
            JsonNode event = JSON.readTree(completed.value());
            assertEquals(importId, event.get("data").get("import_id").asText());
            assertEquals(importId, event.get("correlation_id").asText());
            assertEquals("upload", event.get("data").get("source_kind").asText());
            events.await(
                    r -> target.equals(r.key()) && r.value().contains("\"job.completed\""), Duration.ofSeconds(30));
        }
        // A source on a private address is refused through the gateway too, naming the reason.
        Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("source_url", "postgres://app:secret@10.1.2.3:5432/shop"))
                .post("/v1/projects/{id}/imports/preflight", target)
                .then()
                .statusCode(422)
                .body("code", equalTo("source_not_public"));
        String listed = Stack.api("bob")
                .get("/v1/projects/{id}/imports", target)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertFalse(listed.contains("secret"));
        Stack.api("carol").get("/v1/projects/{id}/imports", target).then().statusCode(404);
    }
}
