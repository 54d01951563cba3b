package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StoredObject;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.restore.service.PreviewService;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Restoring a real backup into a new preview, previews' lifecycle, and every refusal of a bad request. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class RestoreToNewPreviewTest {

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    PreviewService previews;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    AgroalDataSource dataSource;

    /** A real pg_dump of the project in storage, announced as backup-service would. */
    static String backupOf(TestProject p, ToolRunner tools, ObjectStore store, BackupEventsConsumer backupEvents) {
        UUID backupId = UUID.randomUUID();
        String key = "projects/" + p.id() + "/backups/" + backupId + ".dump";
        AtomicReference<StoredObject> stored = new AtomicReference<>();
        var result = tools.run(ToolInvocation.of("pg_dump")
                .args("--format=custom", "--no-owner", "--no-acl", "--dbname=" + p.database())
                .env(p.host().adminToolEnv())
                .stdout(out -> stored.set(store.upload("capydb-backups", key, out)))
                .build());
        assertTrue(result.succeeded(), result.describeFailure("pg_dump"));
        announce(
                backupEvents,
                p,
                backupId,
                key,
                stored.get().sizeBytes(),
                stored.get().sha256());
        return key;
    }

    private String backupOf(TestProject p) {
        return backupOf(p, tools, store, backupEvents);
    }

    static void announce(
            BackupEventsConsumer backupEvents, TestProject p, UUID backupId, String key, long size, String sha) {
        backupEvents.onBackupEvent(Records.of(EventJson.write(EventEnvelope.of(
                EventType.BACKUP_COMPLETED,
                "backup-service",
                "acme",
                p.id(),
                null,
                new BackupPayload(
                        backupId,
                        p.id(),
                        null,
                        "manual",
                        "completed",
                        key,
                        size,
                        sha,
                        null,
                        null,
                        Instant.now(),
                        Instant.now())))));
    }

    static JsonPath awaitRestore(UUID project, String restoreId) {
        return Waits.until(
                Duration.ofSeconds(90),
                "restore " + restoreId + " finishes",
                () -> given().auth()
                        .oauth2(TestTokens.bob())
                        .get("/v1/projects/{p}/restores/{r}", project, restoreId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath(),
                r -> r.getString("status").matches("completed|failed"),
                JsonPath::prettify);
    }

    static Connection connect(String url) throws Exception {
        URI uri = URI.create(url);
        String[] user = uri.getUserInfo().split(":", 2);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), user[0], user[1]);
    }

    @Test
    void aBackupRestoredIntoANewPreviewHasTheSameRowsOwnedByThePreviewsRole() throws Exception {
        TestProject p = projects.withData(300);
        String key = backupOf(p);
        var accepted = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "preview_name", "before-migration", "ttl_hours", 2))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .body("target_kind", equalTo("new_preview"))
                .body("status", equalTo("pending"))
                .extract();
        String restoreId = accepted.path("id");
        String previewId = accepted.path("preview_id");
        assertEquals("/v1/projects/" + p.id() + "/restores/" + restoreId, accepted.header("Location"));

        JsonPath done = awaitRestore(p.id(), restoreId);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals("done", done.getString("phase"));
        assertTrue(done.getLong("bytes_done") > 0);

        JsonPath preview = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}", p.id(), previewId)
                .then()
                .statusCode(200)
                .body("status", equalTo("ready"))
                .body("name", equalTo("before-migration"))
                .extract()
                .jsonPath();
        assertTrue(preview.getString("database_url").contains(":****@"));
        Instant expires = Instant.parse(preview.getString("expires_at"));
        assertTrue(Duration.between(Instant.now(), expires).toMinutes() > 115, "TTL of 2 h from ready: " + expires);

        String url = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), previewId)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        try (Connection c = connect(url);
                Statement st = c.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery("SELECT (SELECT count(*) FROM orders), (SELECT sum(total) FROM orders), "
                            + "(SELECT count(*) FROM customers), (SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables "
                            + "WHERE schemaname = 'public'), current_user")) {
                rs.next();
                assertEquals(300, rs.getLong(1));
                assertEquals(67725, rs.getBigDecimal(2).longValue());
                assertEquals(3, rs.getLong(3));
                assertEquals(rs.getString(5), rs.getString(4), "restored tables belong to the preview's role");
            }
            st.execute("INSERT INTO customers VALUES (4, 'barbara')");
        }
        // Production is untouched.
        try (Connection c = p.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM customers")) {
            rs.next();
            assertEquals(3, rs.getLong(1));
        }
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews", p.id())
                .then()
                .statusCode(200)
                .body("items.id", hasItem(previewId));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(200)
                .body("items[0].id", equalTo(restoreId));
        assertEquals(List.of("restore.completed", "job.completed", "preview.ready"), outboxTypes(p.id()));
    }

    @Test
    void requestsRacingWithOneIdempotencyKeyStartOneRestore() throws Exception {
        TestProject p = projects.withData(10);
        String key = backupOf(p);
        int racers = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().auth()
                            .oauth2(TestTokens.bob())
                            .contentType("application/json")
                            .header("Idempotency-Key", "race-" + p.id())
                            .body(Map.of("backup_key", key))
                            .post("/v1/projects/{p}/restores", p.id());
                }));
            }
            start.countDown();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var answer : answers) {
                io.restassured.response.Response r = answer.get();
                assertEquals(202, r.statusCode(), r.asString());
                ids.add(r.path("id"));
            }
            assertEquals(1, ids.size(), "every racer got the one restore: " + ids);
            String restoreId = ids.iterator().next();
            given().auth()
                    .oauth2(TestTokens.bob())
                    .get("/v1/projects/{p}/restores", p.id())
                    .then()
                    .statusCode(200)
                    .body("items.id", equalTo(List.of(restoreId)));
            given().auth()
                    .oauth2(TestTokens.bob())
                    .get("/v1/projects/{p}/previews", p.id())
                    .then()
                    .statusCode(200)
                    .body("items.size()", equalTo(1));
            assertEquals("completed", awaitRestore(p.id(), restoreId).getString("status"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBrokenBackupFailsTheRestoreAndLeavesNoPreviewDatabase() throws Exception {
        TestProject p = projects.withData(1);
        UUID backupId = UUID.randomUUID();
        String key = "projects/" + p.id() + "/backups/" + backupId + ".dump";
        var garbage = store.upload("capydb-backups", key, new ByteArrayInputStream("PGDMP but not really".getBytes()));
        announce(backupEvents, p, backupId, key, garbage.sizeBytes(), garbage.sha256());
        var accepted = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract();
        JsonPath done = awaitRestore(p.id(), accepted.path("id"));
        assertEquals("failed", done.getString("status"));
        assertTrue(done.getString("error").contains("pg_restore"), done.getString("error"));
        String previewId = accepted.path("preview_id");
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}", p.id(), previewId)
                .then()
                .statusCode(200)
                .body("status", equalTo("failed"));
        assertFalse(provisioner.exists(p.host(), "pv_" + previewId.replace("-", "")));
        assertEquals(List.of("restore.failed", "job.failed"), outboxTypes(p.id()));
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        TestProject p = projects.withData(1);
        String key = backupOf(p);
        TestProject other = projects.withData(1);
        String otherKey = backupOf(other);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "restore_time", "2026-11-21T10:00:00Z"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("source"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("source"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("restore_time", "2999-01-01T00:00:00Z"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("target_outside_window"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "moon", "ttl_hours", 721))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("errors.field", hasItems("target_kind"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "ttl_hours", 0))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("ttl_hours"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "preview_name", "Bad!"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("preview_name"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", "projects/nope.dump"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", otherKey))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "project"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("confirmation_required"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "preview"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("preview_id"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of(
                        "backup_key",
                        key,
                        "target_kind",
                        "preview",
                        "preview_id",
                        UUID.randomUUID().toString()))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.carol())
                .contentType("application/json")
                .body(Map.of("backup_key", key))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(404);
        given().contentType("application/json")
                .body(Map.of("backup_key", key))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews", p.id())
                .then()
                .statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void previewsAreExtendedDeletedAndReapedWhenTheyExpire() throws Exception {
        TestProject p = projects.withData(5);
        String key = backupOf(p);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String restoreId = given().auth()
                    .oauth2(TestTokens.bob())
                    .contentType("application/json")
                    .body(Map.of("backup_key", key))
                    .post("/v1/projects/{p}/restores", p.id())
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            ids.add(awaitRestore(p.id(), restoreId).getString("preview_id"));
        }
        String kept = ids.get(0);
        String expiring = ids.get(1);

        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("ttl_hours", 721))
                .patch("/v1/projects/{p}/previews/{v}", p.id(), kept)
                .then()
                .statusCode(422);
        String extended = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("ttl_hours", 48))
                .patch("/v1/projects/{p}/previews/{v}", p.id(), kept)
                .then()
                .statusCode(200)
                .extract()
                .path("expires_at");
        assertTrue(Duration.between(Instant.now(), Instant.parse(extended)).toHours() >= 47);
        // The extension is announced (preview.ready again, with the new expiry) for read models such as cutovers'.
        assertEquals(
                2,
                count("SELECT count(*) FROM outbox_event WHERE type = 'preview.ready' AND payload LIKE '%" + kept
                        + "%'"));
        assertEquals(
                Instant.parse(extended),
                Instant.parse(
                        lastPayload("preview.ready", kept).get("expires_at").asText()));

        exec("UPDATE preview SET expires_at = now() + interval '30 minutes' WHERE id = '" + expiring + "'");
        assertEquals(0, previews.reap(Instant.now()));
        assertEquals(0, previews.reap(Instant.now()));
        assertEquals(
                1,
                count("SELECT count(*) FROM outbox_event WHERE type = 'preview.expiring' AND payload LIKE '%" + expiring
                        + "%'"),
                "preview.expiring is announced once");
        exec("UPDATE preview SET expires_at = now() - interval '1 minute' WHERE id = '" + expiring + "'");
        assertEquals(1, previews.reap(Instant.now()));
        assertFalse(provisioner.exists(p.host(), "pv_" + expiring.replace("-", "")));
        assertEquals(
                1,
                count("SELECT count(*) FROM outbox_event WHERE type = 'preview.expired' AND payload LIKE '%" + expiring
                        + "%'"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}", p.id(), expiring)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews", p.id())
                .then()
                .body("items.id", not(hasItem(expiring)))
                .body("items.id", hasItem(kept));

        given().auth()
                .oauth2(TestTokens.bob())
                .delete("/v1/projects/{p}/previews/{v}", p.id(), kept)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/previews/{v}", p.id(), kept)
                .then()
                .statusCode(204);
        assertFalse(provisioner.exists(p.host(), "pv_" + kept.replace("-", "")));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/previews/{v}", p.id(), kept)
                .then()
                .statusCode(404);
        // A deleted preview is announced as gone (preview.expired, status deleted).
        assertEquals(
                "deleted", lastPayload("preview.expired", kept).get("status").asText());
    }

    private com.fasterxml.jackson.databind.JsonNode lastPayload(String type, String previewId) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT payload FROM outbox_event WHERE type = '" + type
                        + "' AND payload LIKE '%" + previewId + "%' ORDER BY seq DESC LIMIT 1")) {
            assertTrue(rs.next(), "no " + type + " for " + previewId);
            return EventJson.read(rs.getString(1)).data();
        }
    }

    @Test
    void aHalfMadePreviewWhoseRestoreFailedIsDroppedByTheSweep() throws Exception {
        TestProject p = projects.withData(5);
        String restoreId = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", backupOf(p)))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String preview = awaitRestore(p.id(), restoreId).getString("preview_id");
        // As a restore leaves it when its host went away under it: failed, its preview database still there.
        exec("UPDATE preview SET status = 'CREATING' WHERE id = '" + preview + "'");
        exec("UPDATE restore SET status = 'FAILED' WHERE id = '" + restoreId + "'");
        assertTrue(provisioner.exists(p.host(), "pv_" + preview.replace("-", "")));
        assertTrue(previews.dropAbandoned() >= 1);
        assertFalse(provisioner.exists(p.host(), "pv_" + preview.replace("-", "")));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}", p.id(), preview)
                .then()
                .statusCode(200)
                .body("status", equalTo("failed"));
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> outboxTypes(UUID project) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT type FROM outbox_event WHERE event_key = '" + project + "' ORDER BY seq")) {
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            return types;
        }
    }
}
