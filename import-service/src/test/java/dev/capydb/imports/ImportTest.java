package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.LockMode;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ProjectLocks;
import dev.capydb.imports.Sources.Source;
import dev.capydb.imports.dataplane.DumpLoader;
import dev.capydb.imports.service.ImportWorker;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Imports from a live URL and from uploaded dumps: the rows arrive, owned by the project; failures change nothing. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ImportTest {

    @Inject
    Sources sources;

    @Inject
    TestProjects projects;

    @Inject
    ObjectStore store;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    ProjectLocks locks;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    dev.capydb.imports.service.Leftovers leftovers;

    @Inject
    dev.capydb.imports.service.ImportWorker worker;

    static String start(TestProject p, String user, Map<String, Object> body) {
        return given().auth()
                .oauth2(user)
                .contentType("application/json")
                .body(body)
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(202)
                .body("status", equalTo("pending"))
                .extract()
                .path("id");
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Event types the outbox holds for this import (what the relay publishes to capydb.imports). */
    private List<String> events(String importId) throws Exception {
        List<String> types = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, topic, payload FROM outbox_event WHERE payload LIKE '%"
                        + importId + "%' ORDER BY type")) {
            while (rs.next()) {
                types.add(rs.getString(1) + "@" + rs.getString(2));
                assertTrue(rs.getString(3).contains("\"correlation_id\":\"" + importId + "\""), rs.getString(3));
            }
        }
        return types;
    }

    @Test
    void aUrlImportWithRecreateReplacesTheDatabaseWithTheSourcesRows() throws Exception {
        TestProject p = projects.withData(5);
        Source s = sources.create(2_000, "pg_trgm");
        String id = start(p, TestTokens.alice(), body("source_url", s.url(), "recreate", true));
        JsonPath done = Sources.await(p, id);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals("done", done.getString("phase"));
        assertEquals("url", done.getString("source_kind"));
        assertFalse(done.prettify().contains(s.password()), "the password never comes back");
        assertTrue(done.getLong("size_bytes") > 0);

        // Through the project's own, unchanged connection string: exactly the source's rows, owned by its role.
        assertEquals(Sources.itemsDigest(s.owner()), Sources.itemsDigest(p.connect()));
        assertEquals(List.of("items:" + p.database()), Sources.tables(p.connect()), "recreate drops what was there");
        assertEquals("what the shop sells", Sources.text(p.connect(), "SELECT obj_description('items'::regclass)"));
        assertEquals(
                p.database(),
                Sources.text(
                        p.connect(), "SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pg_trgm'"));
        try (Connection c = p.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO items (name) VALUES ('new')");
            assertEquals(2_001, Sources.count(p.connect(), "SELECT max(id) FROM items"), "the sequence came along");
        }
        String retired = p.database() + "_old_" + id.substring(0, 8);
        assertTrue(provisioner.exists(p.host(), retired), "the old data is kept for the safety window");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE retired_database SET drop_after = now() - interval '1 minute' WHERE name = '" + retired
                    + "'");
        }
        assertTrue(leftovers.dropRetired() >= 1);
        assertFalse(provisioner.exists(p.host(), retired), "dropped once the window has passed");
        assertEquals(
                List.of(
                        "import.completed@capydb.imports",
                        "import.started@capydb.imports",
                        "job.completed@capydb.imports"),
                events(id));
        assertEquals(
                0,
                Sources.count(
                        p.host().maintenanceConnection(), "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'imp\\_%'"),
                "the loader role is gone");
    }

    @Test
    void aUrlImportWithoutRecreateLoadsIntoAnEmptyProject() throws Exception {
        TestProject p = sources.emptyProject();
        Source s = sources.create(500);
        String id = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .header("Idempotency-Key", "k-1")
                .body(Map.of("source_url", s.url()))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .header("Idempotency-Key", "k-1")
                .body(Map.of("source_url", s.url()))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(202)
                .body("id", equalTo(id));
        JsonPath done = Sources.await(p, id);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertFalse(done.getBoolean("recreate"));
        assertEquals(Sources.itemsDigest(s.owner()), Sources.itemsDigest(p.connect()));
        assertEquals(List.of("items:" + p.database()), Sources.tables(p.connect()));
        // ANALYZE ran: the planner has statistics for the freshly loaded table.
        assertTrue(Sources.count(p.connect(), "SELECT count(*) FROM pg_stats WHERE tablename = 'items'") > 0);
    }

    @Test
    void anOverlongIdempotencyKeyIsRefusedAndStartsNothing() throws Exception {
        TestProject p = sources.emptyProject();
        Source s = sources.create(10);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .header("Idempotency-Key", "k".repeat(201))
                .body(Map.of("source_url", s.url()))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("Idempotency-Key"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(200)
                .body("items", empty());
    }

    @Test
    void postgisFromTheAllowlistIsCreatedForTheProjectWithoutSuperuserRights() throws Exception {
        TestProject p = sources.emptyProject();
        Source s = sources.create(10, "postgis");
        try (Connection c = s.owner();
                Statement st = c.createStatement()) {
            st.execute("SET ROLE " + s.role());
            st.execute("CREATE TABLE places (id int PRIMARY KEY, at geometry(Point, 4326))");
            st.execute("INSERT INTO places VALUES (1, ST_SetSRID(ST_MakePoint(13.4, 52.5), 4326))");
        }
        JsonPath done = Sources.await(p, start(p, TestTokens.bob(), body("source_url", s.url())));
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals("POINT(13.4 52.5)", Sources.text(p.connect(), "SELECT ST_AsText(at) FROM places"));
        assertEquals(
                p.database(), Sources.text(p.connect(), "SELECT tableowner FROM pg_tables WHERE tablename = 'places'"));
    }

    @Test
    void customAndPlainDumpsUploadedWithCurlAreImportedAndThenDeleted() throws Exception {
        Source s = sources.create(1_000);
        for (boolean custom : new boolean[] {true, false}) {
            TestProject p = projects.withData(3);
            Path file = sources.dump(s, custom);
            String uploadId = Sources.upload(p, file);
            String key = "projects/" + p.id() + "/uploads/" + uploadId + ".dump";
            assertEquals(Optional.of(Files.size(file)), store.size("capydb-imports", key));
            String id = start(p, TestTokens.alice(), body("upload_id", uploadId, "recreate", true));
            JsonPath done = Sources.await(p, id);
            assertEquals("completed", done.getString("status"), done.prettify());
            assertEquals(custom ? "custom" : "plain", done.getString("dump_format"));
            assertEquals(file.getFileName().toString(), done.getString("source"));
            assertEquals(Sources.itemsDigest(s.owner()), Sources.itemsDigest(p.connect()));
            assertEquals(List.of("items:" + p.database()), Sources.tables(p.connect()));
            assertEquals(
                    Optional.empty(), store.size("capydb-imports", key), "the uploaded dump is deleted after success");
            assertEquals(
                    Optional.empty(),
                    store.size("capydb-imports", "accepted/" + id + ".dump"),
                    "so is the copy the import loaded");
        }
    }

    @Test
    void aDeclaredOrStoredSizeOverThePlanIsRefusedUpFront() throws Exception {
        TestProject p = projects.withData(1);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("filename", "big.dump", "size_bytes", (512L << 20) + 1))
                .post("/v1/projects/{p}/imports/uploads", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("dump_too_large"));
        Path file = sources.dump(sources.create(100), true);
        String uploadId = Sources.upload(p, file);
        sources.announce(p, Files.size(file) - 1, "active", 2);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("upload_id", uploadId))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("dump_too_large"));
    }

    @Test
    void aLoadThatOverflowsThePlanIsRolledBack() throws Exception {
        TestProject p = projects.withData(7);
        long before = Sources.count(p.connect(), "SELECT pg_database_size(current_database())");
        // Compresses well: the dump fits the plan, the restored database does not.
        Source s = sources.create(150_000);
        try (Connection c = s.owner();
                Statement st = c.createStatement()) {
            st.execute("UPDATE items SET note = repeat('y', 200)");
        }
        Path file = sources.dump(s, true);
        sources.announce(p, before + (4L << 20), "active", 2);
        assertTrue(Files.size(file) < 4L << 20, "the dump alone fits the plan");
        String uploadId = Sources.upload(p, file);
        for (boolean recreate : new boolean[] {false, true}) {
            String id = start(p, TestTokens.alice(), body("upload_id", uploadId, "recreate", recreate));
            JsonPath done = Sources.await(p, id);
            assertEquals("failed", done.getString("status"));
            assertTrue(
                    done.getString("error").contains("larger than the free plan's storage limit"),
                    done.getString("error"));
            assertEquals(7, Sources.count(p.connect(), "SELECT count(*) FROM orders"), "production unchanged");
            assertEquals(List.of("customers:" + p.database(), "orders:" + p.database()), Sources.tables(p.connect()));
            assertEquals(
                    List.of(
                            "import.failed@capydb.imports",
                            "import.started@capydb.imports",
                            "job.failed@capydb.imports"),
                    events(id));
        }
        String key = "projects/" + p.id() + "/uploads/" + uploadId + ".dump";
        assertTrue(store.size("capydb-imports", key).isPresent(), "a failed import keeps the upload for another try");
        // A day after its URL expired, an upload nobody imported is deleted.
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE dump_upload SET expires_at = now() - interval '25 hours' WHERE id = '" + uploadId + "'");
        }
        assertTrue(leftovers.reapUploads() >= 1);
        assertEquals(Optional.empty(), store.size("capydb-imports", key));
    }

    @Test
    void corruptedAndFailingDumpsLeaveProductionUnchanged() throws Exception {
        TestProject p = projects.withData(4);
        Path full = sources.dump(sources.create(5_000), true);
        byte[] bytes = Files.readAllBytes(full);
        Path truncated = Files.createTempFile("truncated", ".dump");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path failing = Files.createTempFile("failing", ".sql");
        Files.writeString(
                failing, "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nSELECT nope FROM nowhere;\n");
        for (Path file : List.of(truncated, failing)) {
            for (boolean recreate : new boolean[] {false, true}) {
                String id =
                        start(p, TestTokens.alice(), body("upload_id", Sources.upload(p, file), "recreate", recreate));
                JsonPath done = Sources.await(p, id);
                assertEquals("failed", done.getString("status"), file + " " + recreate);
                assertTrue(done.getString("error").contains("nothing was changed"), done.getString("error"));
                assertEquals(
                        List.of("customers:" + p.database(), "orders:" + p.database()), Sources.tables(p.connect()));
                assertEquals(4, Sources.count(p.connect(), "SELECT count(*) FROM orders"));
                assertFalse(
                        provisioner.exists(p.host(), "im_" + id.replace("-", "")), "the scratch database is dropped");
            }
        }
    }

    @Test
    void aHostileDumpCannotRunShellCommandsOrBecomeSuperuser() throws Exception {
        TestProject p = sources.emptyProject();
        Path marker = Path.of(System.getProperty("java.io.tmpdir"), "capydb-pwned-" + UUID.randomUUID());
        Path shell = Files.createTempFile("shell", ".sql");
        Files.writeString(shell, "CREATE TABLE t (id int);\n\\! touch " + marker + "\n");
        String id = start(p, TestTokens.bob(), body("upload_id", Sources.upload(p, shell)));
        JsonPath done = Sources.await(p, id);
        assertEquals("failed", done.getString("status"));
        assertTrue(done.getString("error").contains("backslash commands are restricted"), done.getString("error"));
        assertFalse(Files.exists(marker), "no shell command ran");

        Path escalate = Files.createTempFile("escalate", ".sql");
        Files.writeString(escalate, "RESET ROLE;\nSET ROLE postgres;\nCREATE TABLE t (id int);\n");
        JsonPath refused = Sources.await(p, start(p, TestTokens.bob(), body("upload_id", Sources.upload(p, escalate))));
        assertEquals("failed", refused.getString("status"));
        assertTrue(refused.getString("error").contains("permission denied to set role"), refused.getString("error"));
        assertEquals(List.of(), Sources.tables(p.connect()));
    }

    @Test
    void extensionsOutsideTheAllowlistInACustomDumpAreRefusedByName() throws Exception {
        TestProject p = projects.withData(2);
        Path file = sources.dump(sources.create(10, "tablefunc"), true);
        JsonPath done = Sources.await(
                p, start(p, TestTokens.alice(), body("upload_id", Sources.upload(p, file), "recreate", true)));
        assertEquals("failed", done.getString("status"));
        assertTrue(done.getString("error").contains("not on the allowlist: tablefunc"), done.getString("error"));
        assertEquals(2, Sources.count(p.connect(), "SELECT count(*) FROM orders"));
    }

    /** A running import whose worker stopped renewing its lease, in {@code phase}, with or without its scratch. */
    private UUID deadImport(TestProject p, String phase, boolean withScratch) throws Exception {
        UUID id = UUID.randomUUID();
        String scratch = "im_" + id.toString().replace("-", "");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO import_job (id, project_id, org_id, source_kind, source, recreate, status, phase, "
                    + "scratch_database, attempt, lease_until, worker, created_at, started_at) VALUES ('" + id + "', '"
                    + p.id() + "', 'acme', 'upload', 'x.dump', true, 'RUNNING', '" + phase + "', '" + scratch
                    + "', 1, now() - interval '1 minute', 'gone', now(), now())");
        }
        if (withScratch) {
            try (Connection c = p.host().maintenanceConnection();
                    Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + scratch);
            }
        }
        return id;
    }

    @Test
    void theSweepDropsOnlyLeftoversOfOurOwnEndedImports() throws Exception {
        TestProject p = projects.withData(1);
        UUID ended = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO import_job (id, project_id, org_id, source_kind, source, recreate, status, phase, "
                    + "scratch_database, attempt, created_at) VALUES ('" + ended + "', '" + p.id() + "', 'acme', "
                    + "'upload', 'x.dump', true, 'FAILED', 'loading', '" + ImportWorker.SCRATCH.name(ended)
                    + "', 1, now())");
        }
        // A host may be shared with another deployment: an import id our table does not know is its own.
        UUID foreign = UUID.randomUUID();
        try (Connection c = p.host().maintenanceConnection();
                Statement st = c.createStatement()) {
            for (UUID id : List.of(ended, foreign)) {
                st.execute("CREATE DATABASE " + ImportWorker.SCRATCH.name(id));
                st.execute("CREATE ROLE " + DumpLoader.loaderRole(id));
            }
        }
        try {
            assertTrue(leftovers.dropLeftScratch() >= 1);
            assertFalse(
                    provisioner.exists(p.host(), ImportWorker.SCRATCH.name(ended)), "our failed import's is dropped");
            assertFalse(roleExists(p, DumpLoader.loaderRole(ended)), "and its loader role");
            assertTrue(
                    provisioner.exists(p.host(), ImportWorker.SCRATCH.name(foreign)), "another deployment's is kept");
            assertTrue(roleExists(p, DumpLoader.loaderRole(foreign)), "and its loader role");
        } finally {
            try (Connection c = p.host().maintenanceConnection();
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + ImportWorker.SCRATCH.name(foreign));
                st.execute("DROP ROLE IF EXISTS " + DumpLoader.loaderRole(foreign));
            }
        }
    }

    private static boolean roleExists(TestProject p, String role) throws Exception {
        try (Connection c = p.host().maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aDeadWorkersImportIsNeverRerunAndItsOutcomeIsReconciled() throws Exception {
        TestProject p = projects.withData(1);
        UUID loading = deadImport(p, "loading", true);
        UUID swapped = deadImport(p, "swapping", false);
        worker.engine().reap();
        JsonPath a = Sources.await(p, loading.toString());
        assertEquals("failed", a.getString("status"));
        assertTrue(a.getString("error").contains("nothing was changed"));
        assertFalse(
                provisioner.exists(p.host(), "im_" + loading.toString().replace("-", "")), "its scratch is dropped");
        assertEquals("completed", Sources.await(p, swapped.toString()).getString("status"), "the swap had committed");
        assertEquals(1, Sources.count(p.connect(), "SELECT count(*) FROM orders"));
    }

    @Test
    void busyProjectsAndBadRequestsAreRefused() throws Exception {
        TestProject p = projects.withData(1);
        Source s = sources.create(1);
        // While a restore overwrites the project, project-service shows it restoring: 409 at once.
        sources.announce(p, 512L << 20, "restoring", 2);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("source_url", s.url()))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(409)
                .body("code", equalTo("project_busy"));
        sources.announce(p, 512L << 20, "active", 3);
        // A restore's worker holds the project lock: the import fails, nothing changed.
        try (var lock = locks.acquire(p.host(), p.id(), LockMode.EXCLUSIVE)) {
            JsonPath done = Sources.await(p, start(p, TestTokens.bob(), body("source_url", s.url())));
            assertEquals("failed", done.getString("status"));
            assertTrue(done.getString("error").startsWith("project_busy"), done.getString("error"));
        }
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("source_url", s.url(), "recreate", true))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("source_url", "postgres://u:pw@192.168.10.10/db"))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("source_not_public"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("upload_id", UUID.randomUUID().toString()))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].error", org.hamcrest.Matchers.startsWith("project_busy"));
    }
}
