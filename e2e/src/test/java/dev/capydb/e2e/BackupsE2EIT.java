package dev.capydb.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Backups through the gateway: alice backs up a project, sees it completed and announced; bob restores it into a preview. */
@ExtendWith(ContractGate.class)
class BackupsE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aliceBacksUpAProjectAndTheEventIsOnKafka() throws Exception {
        String id = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "e2e-bk-" + UUID.randomUUID().toString().substring(0, 8)))
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
        Stack.psql(url, "CREATE TABLE items (id int primary key); INSERT INTO items SELECT generate_series(1, 1000)");

        try (Stack.EventTail events = Stack.tail("capydb.backups")) {
            // The project was created an instant ago: backup-service accepts it at once.
            Response created = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("label", "e2e-nightly"))
                    .post("/v1/projects/{id}/backups", id);
            created.then().statusCode(202).body("label", equalTo("e2e-nightly"));
            String backupId = created.path("id");

            JsonPath backup = Jobs.awaitBackupWhere(
                    id, backupId, b -> !b.getString("status").matches("pending|running"), Duration.ofSeconds(90));
            assertEquals("completed", backup.getString("status"), backup.prettify());
            assertTrue(backup.getLong("size_bytes") > 0);
            assertTrue(backup.getString("sha256").matches("[0-9a-f]{64}"));
            Stack.api("alice")
                    .get("/v1/projects/{id}/backups", id)
                    .then()
                    .statusCode(200)
                    .body("items.id", hasItem(backupId));
            Stack.api("carol").get("/v1/projects/{id}/backups", id).then().statusCode(404);

            ConsumerRecord<String, String> completed = events.await(
                    r -> id.equals(r.key()) && r.value().contains("\"backup.completed\""), Duration.ofSeconds(30));
            JsonNode data = JSON.readTree(completed.value()).get("data");
            assertEquals(backupId, data.get("backup_id").asText());
            assertEquals(backup.getString("sha256"), data.get("sha256").asText());
            events.await(r -> id.equals(r.key()) && r.value().contains("\"job.completed\""), Duration.ofSeconds(30));
        }
        // Restore that backup into a new preview and connect to it with psql.
        String key = Stack.api("alice")
                .get("/v1/projects/{id}/backups", id)
                .then()
                .extract()
                .path("items[0].backup_key");
        String backupId = Stack.api("alice")
                .get("/v1/projects/{id}/backups", id)
                .then()
                .extract()
                .path("items[0].id");
        // The backup completed an instant ago: restore-service accepts its key at once.
        Response restore = Stack.api("bob")
                .contentType("application/json")
                .body(Map.of("backup_key", key, "preview_name", "e2e-preview", "ttl_hours", 1))
                .post("/v1/projects/{id}/restores", id);
        restore.then().statusCode(202).body("target_kind", equalTo("new_preview"));
        String restoreId = restore.path("id");
        String previewId = restore.path("preview_id");
        JsonPath r = Jobs.await(
                () -> Stack.api("bob").get("/v1/projects/{id}/restores/{r}", id, restoreId),
                x -> x.getString("status").matches("completed|failed"),
                Duration.ofSeconds(90));
        assertEquals("completed", r.getString("status"), r.prettify());
        String previewUrl = Stack.api("bob")
                .get("/v1/projects/{id}/previews/{p}/connection", id, previewId)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        assertEquals("1000", Stack.psql(previewUrl, "SELECT count(*) FROM items"));
        Stack.api("carol")
                .get("/v1/projects/{id}/previews/{p}", id, previewId)
                .then()
                .statusCode(404);

        // A restore point on the backup pins it in backup-service (through Kafka): deleting it right after is refused.
        String point = Stack.api("bob")
                .contentType("application/json")
                .body(Map.of("label", "keep-this", "kind", "backup", "backup_key", key))
                .post("/v1/projects/{id}/restore-points", id)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Stack.api("alice")
                .delete("/v1/projects/{id}/backups/{b}", id, backupId)
                .then()
                .statusCode(409)
                .body("code", equalTo("backup_pinned"));
        Stack.api("bob")
                .delete("/v1/projects/{id}/restore-points/{r}", id, point)
                .then()
                .statusCode(403);
        Stack.api("alice")
                .delete("/v1/projects/{id}/restore-points/{r}", id, point)
                .then()
                .statusCode(204);
        Stack.api("alice")
                .delete("/v1/projects/{id}/previews/{p}", id, previewId)
                .then()
                .statusCode(204);
        Stack.api("alice").delete("/v1/projects/{id}", id).then().statusCode(204);
    }
}
