package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cutovers through the gateway with the real services: alice prepares a preview and asks for it to become
 * production; olga acks and executes; backup-service takes the verified pre-cutover backup and restore-service
 * copies the preview over production. And a promotion that fails on the host leaves production as it was.
 */
@ExtendWith(ContractGate.class)
class CutoverE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPreviewBecomesProductionBehindAVerifiedPreCutoverBackup() throws Exception {
        String project = project("e2e-cut");
        String prodUrl = connection(project);
        Stack.psql(
                prodUrl,
                "CREATE TABLE orders (id int primary key, note text); "
                        + "INSERT INTO orders SELECT g, 'prod' FROM generate_series(1, 50) g");
        String preview = previewFromBackup(project);
        String previewUrl = Stack.api("alice")
                .get("/v1/projects/{id}/previews/{p}/connection", project, preview)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        Stack.psql(
                previewUrl,
                "INSERT INTO orders SELECT g, 'preview' FROM generate_series(51, 80) g; "
                        + "UPDATE orders SET note = 'migrated' WHERE id = 1");

        try (Stack.EventTail cutovers = Stack.tail("capydb.cutovers");
                Stack.EventTail restores = Stack.tail("capydb.restores")) {
            String ticket = "SUP-" + UUID.randomUUID().toString().substring(0, 6);
            String id = Jobs.requestCutover(project, preview, ticket);
            Stack.api("bob")
                    .post("/v1/operator/cutover-requests/{r}/ack", id)
                    .then()
                    .statusCode(403);
            Stack.api("alice")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(403);
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(409);
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/ack", id)
                    .then()
                    .statusCode(200);
            Stack.api("olga")
                    .get("/v1/operator/cutover-requests?status=acked&limit=100")
                    .then()
                    .statusCode(200)
                    .body("items.id", org.hamcrest.Matchers.hasItem(id));
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(202);

            JsonPath done = Jobs.awaitCutover(project, id);
            assertEquals("completed", done.getString("status"), done.prettify());
            String backupId = done.getString("pre_cutover_backup_id");
            assertNotNull(backupId);

            // The rollback path: a verified backup labelled pre-cutover-<id> in alice's backup list.
            JsonPath backups = Stack.api("alice")
                    .get("/v1/projects/{id}/backups?limit=100", project)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            Map<String, Object> pre = backups.getMap("items.find { it.label == 'pre-cutover-" + id + "' }");
            assertNotNull(pre, backups.prettify());
            assertEquals(backupId, pre.get("id"));
            assertEquals("completed", pre.get("status"));
            assertEquals(Boolean.TRUE, pre.get("verified"));

            // Production, reached by the same connection string, now holds the preview's data.
            assertEquals(prodUrl, connection(project));
            assertEquals(
                    "80|migrated",
                    Stack.psql(prodUrl, "SELECT count(*) || '|' || max(note) FILTER (WHERE id = 1) FROM orders"));
            // The preview is copied, not consumed.
            Stack.api("alice")
                    .get("/v1/projects/{id}/previews/{p}", project, preview)
                    .then()
                    .statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("ready"));
            assertEquals("80", Stack.psql(previewUrl, "SELECT count(*) FROM orders"));

            // Every audited step reached Kafka, and the overwrite names the pre-cutover backup.
            for (String type :
                    List.of("cutover.requested", "cutover.acked", "cutover.promote_started", "cutover.completed")) {
                JsonNode e = JSON.readTree(cutovers.await(
                                r -> r.value().contains("\"" + type + "\"")
                                        && r.value().contains(id),
                                Duration.ofSeconds(30))
                        .value());
                assertEquals(id, e.get("correlation_id").asText());
            }
            JsonNode audit = JSON.readTree(restores.await(
                            r -> r.value().contains("\"production_overwrite_restore\"")
                                    && r.value().contains(id),
                            Duration.ofSeconds(30))
                    .value());
            assertEquals(
                    backupId, audit.get("data").get("pre_cutover_backup_id").asText());

            // Restoring the pre-cutover backup into a new preview gives the old production data back.
            String key = (String) pre.get("backup_key");
            String rollback = Jobs.previewOf(project, key);
            String rollbackUrl = Stack.api("alice")
                    .get("/v1/projects/{id}/previews/{p}/connection", project, rollback)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("database_url");
            assertEquals(
                    "50|prod",
                    Stack.psql(rollbackUrl, "SELECT count(*) || '|' || max(note) FILTER (WHERE id = 1) FROM orders"));
        }
        Stack.api("alice").delete("/v1/projects/{id}", project).then().statusCode(204);
    }

    @Test
    void aPromotionThatFailsOnTheHostLeavesProductionByteIdenticalAndIsNotRetried() throws Exception {
        String project = project("e2e-cutfail");
        String prodUrl = connection(project);
        Stack.psql(
                prodUrl,
                "CREATE TABLE orders (id int primary key, note text); "
                        + "INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 200) g");
        String preview = previewFromBackup(project);
        String previewUrl = Stack.api("alice")
                .get("/v1/projects/{id}/previews/{p}/connection", project, preview)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        // A real pg_dump/pg_restore pitfall: an index over a function that reads a table by an unqualified name dumps
        // fine but cannot be rebuilt on restore (pg_restore runs with an empty search_path), so the copy fails.
        Stack.psql(
                previewUrl,
                "CREATE TABLE lookup (k int); INSERT INTO lookup VALUES (1); "
                        + "CREATE FUNCTION lookup_shift(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS "
                        + "$$ BEGIN RETURN i + (SELECT count(*) FROM lookup)::int; END $$; "
                        + "CREATE INDEX orders_shift ON orders (lookup_shift(id)); DELETE FROM orders WHERE id > 10");
        String fingerprint = "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()) || '|' || "
                + "md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";
        String before = Stack.psql(prodUrl, fingerprint);

        try (Stack.EventTail cutovers = Stack.tail("capydb.cutovers")) {
            String id = Jobs.requestCutover(project, preview, "SUP-FAIL");
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/ack", id)
                    .then()
                    .statusCode(200);
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(202);
            JsonPath failed = Jobs.awaitCutover(project, id);
            assertEquals("failed", failed.getString("status"), failed.prettify());
            assertTrue(failed.getString("reason").contains("the promotion failed"), failed.getString("reason"));
            assertTrue(failed.getString("reason").contains("lookup"), failed.getString("reason"));
            assertNotNull(
                    failed.getString("pre_cutover_backup_id"), "the backup was taken before anything was touched");

            // The same database (same oid), the same rows, byte for byte.
            assertEquals(before, Stack.psql(prodUrl, fingerprint));
            cutovers.await(
                    r -> r.value().contains("\"cutover.failed\"") && r.value().contains(id), Duration.ofSeconds(30));

            // No retry: for some time still failed, one promotion attempt, one promote_started.
            Waits.during(
                    Duration.ofSeconds(8),
                    "the failed cutover stays failed",
                    () -> "failed"
                            .equals(Stack.api("alice")
                                    .get("/v1/projects/{id}/cutover-requests/{r}", project, id)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .path("status")));
            List<Object> overwrites = Stack.api("alice")
                    .get("/v1/projects/{id}/restores?limit=100", project)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items.findAll { it.target_kind == 'project' }.status");
            assertEquals(List.of("failed"), overwrites);
            assertEquals(before, Stack.psql(prodUrl, fingerprint));
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(409);
        }
        Stack.api("alice").delete("/v1/projects/{id}", project).then().statusCode(204);
    }

    private static String project(String prefix) {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String connection(String project) {
        return Stack.api("alice")
                .get("/v1/projects/{id}/connection", project)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    /** A completed backup of the project restored into a new preview; returns the preview id. */
    private static String previewFromBackup(String project) throws Exception {
        JsonPath backup = Jobs.awaitBackup(project, Jobs.postBackup(project, "before-cutover"));
        assertEquals("completed", backup.getString("status"), backup.prettify());
        return Jobs.previewOf(project, backup.getString("backup_key"));
    }
}
