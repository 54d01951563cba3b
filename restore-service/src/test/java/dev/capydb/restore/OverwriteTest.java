package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.SourceKind;
import dev.capydb.restore.repository.TargetKind;
import dev.capydb.restore.service.OverwriteRestore;
import dev.capydb.restore.service.RestoreLeftovers;
import dev.capydb.restore.service.RestoreWorker;
import dev.capydb.testing.SharedHostScratch;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Overwriting production and previews: swapped in whole or not at all, connection strings unchanged, old data kept. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class OverwriteTest {

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    RestoreWorker worker;

    @Inject
    RestoreLeftovers leftovers;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ScratchDatabases scratchDatabases;

    private String backupOf(TestProject p) {
        return RestoreToNewPreviewTest.backupOf(p, tools, store, backupEvents);
    }

    private static long orders(Connection c) throws Exception {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A digest of every row: equal digests mean byte-identical table contents. */
    private static String digest(TestProject p) throws Exception {
        try (Connection c = p.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String overwrite(TestProject p, String key) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .body("target_kind", equalTo("project"))
                .extract()
                .path("id");
    }

    @Test
    void anOverwriteNamingAFieldItDoesNotKnowIsRefusedAndNothingRuns() throws Exception {
        TestProject p = projects.withData(10);
        String key = backupOf(p);
        long before = QuarkusTransaction.requiringNew().call(() -> Restore.count());
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of(
                        "backup_key",
                        key,
                        "target_kind",
                        "project",
                        "confirm_project_overwrite",
                        true,
                        "dry_run",
                        true))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("unknown_field"))
                .body("errors[0].field", equalTo("dry_run"));
        long after = QuarkusTransaction.requiringNew().call(() -> Restore.count());
        assertEquals(before, after, "no restore was queued");
        assertEquals(10, orders(p.connect()));
    }

    @Test
    void productionIsReplacedThroughItsOwnConnectionStringAndTheOldDataIsKept() throws Exception {
        TestProject p = projects.withData(100);
        String key = backupOf(p);
        try (Connection c = p.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders (customer, total) SELECT 1, 1 FROM generate_series(1, 50)");
        }
        assertEquals(150, orders(p.connect()));

        String restoreId = overwrite(p, key);
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restoreId);
        assertEquals("completed", done.getString("status"), done.prettify());

        // Same connection string, the backup's rows, and the project's role owns and can write them.
        assertEquals(100, orders(p.connect()));
        try (Connection c = p.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO customers VALUES (9, 'new')");
            try (ResultSet rs = st.executeQuery(
                    "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'")) {
                rs.next();
                assertEquals(p.database(), rs.getString(1));
            }
        }
        String retired = p.database() + "_old_" + restoreId.substring(0, 8);
        assertTrue(provisioner.exists(p.host(), retired), "the replaced database is kept for the safety window");
        // It stays closed (nobody keeps writing into replaced data); an operator reopens it to recover from it.
        try (Connection admin = p.host().maintenanceConnection();
                Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + retired + " WITH ALLOW_CONNECTIONS true");
        }
        assertEquals(150, orders(p.host().adminConnection(retired)));

        // After the safety window the janitor drops it.
        exec("UPDATE retired_database SET drop_after = now() - interval '1 minute' WHERE name = '" + retired + "'");
        assertTrue(leftovers.dropRetired() >= 1);
        assertFalse(provisioner.exists(p.host(), retired));
    }

    @Test
    void aKilledRestoreLeavesProductionByteIdentical() throws Exception {
        TestProject p = projects.withData(2_000_000);
        String key = backupOf(p);
        String before = digest(p);
        String restoreId = overwrite(p, key);

        try (Connection admin = p.host().maintenanceConnection();
                Statement st = admin.createStatement()) {
            // Polled often: pg_restore must be caught while it runs, before it is done.
            Waits.await("pg_restore is caught running and killed", Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM "
                                + "pg_stat_activity WHERE application_name = 'pg_restore' AND datname = 'rs_"
                                + restoreId.replace("-", "") + "'")) {
                            rs.next();
                            return rs.getInt(1) > 0;
                        }
                    });
        }
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restoreId);
        assertEquals("failed", done.getString("status"));
        assertTrue(done.getString("error").contains("the target was not changed"), done.getString("error"));
        assertEquals(before, digest(p), "production must be byte-identical");
        assertFalse(
                provisioner.exists(p.host(), "rs_" + restoreId.replace("-", "")), "the scratch database is dropped");
        // Keep the host small: later base backups copy every database on it.
        provisioner.drop(p.host(), p.database(), "nobody_at_all");
    }

    @Test
    void aBackupChangedInStorageIsRefusedAndProductionIsUntouched() throws Exception {
        TestProject p = projects.withData(100);
        // An uncompressed dump, so a one-byte change ('grace' -> 'Grace') still restores cleanly: only the
        // checksum recorded at backup time can tell.
        UUID backupId = UUID.randomUUID();
        String key = "projects/" + p.id() + "/backups/" + backupId + ".dump";
        java.io.ByteArrayOutputStream dump = new java.io.ByteArrayOutputStream();
        var result = tools.run(ToolInvocation.of("pg_dump")
                .args("--format=custom", "--compress=0", "--no-owner", "--no-acl", "--dbname=" + p.database())
                .env(p.host().adminToolEnv())
                .stdout(out -> out.transferTo(dump))
                .build());
        assertTrue(result.succeeded(), result.describeFailure("pg_dump"));
        byte[] bytes = dump.toByteArray();
        var stored = store.upload("capydb-backups", key, new java.io.ByteArrayInputStream(bytes));
        RestoreToNewPreviewTest.announce(backupEvents, p, backupId, key, stored.sizeBytes(), stored.sha256());
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("grace");
        assertTrue(at > 0, "the dump holds the row text");
        bytes[at] = 'G';
        store.upload("capydb-backups", key, new java.io.ByteArrayInputStream(bytes));
        String before = digest(p);

        String restoreId = overwrite(p, key);
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restoreId);
        assertEquals("failed", done.getString("status"), done.prettify());
        assertTrue(done.getString("error").contains("SHA-256"), done.getString("error"));
        assertTrue(done.getString("error").contains("the target was not changed"), done.getString("error"));
        assertEquals(before, digest(p), "production must be byte-identical");
        try (Connection c = p.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 2")) {
            rs.next();
            assertEquals("grace", rs.getString(1));
        }
        assertFalse(
                provisioner.exists(p.host(), "rs_" + restoreId.replace("-", "")), "the scratch database is dropped");
    }

    @Test
    void aSecondOverwriteWhileOneIsQueuedIsRefused() throws Exception {
        TestProject p = projects.withData(1);
        String key = backupOf(p);
        UUID queued = deadOverwrite(p, RestorePhase.QUEUED, false);
        QuarkusTransaction.requiringNew().run(() -> {
            Restore x = Restore.findById(queued);
            x.status = RestoreStatus.PENDING;
            x.notBefore = Instant.now().plus(Duration.ofHours(1));
        });
        // project-service shows it restoring (the queued overwrite's echo): 409 while the overwrite is open.
        projects.announce(p.id(), p.database(), "restoring", 2);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(409)
                .body("code", equalTo("project_busy"));
        QuarkusTransaction.requiringNew().run(() -> Restore.deleteById(queued));
    }

    @Test
    void ofConcurrentOverwritesExactlyOneIsAccepted() throws Exception {
        TestProject p = projects.withData(1);
        String key = backupOf(p);
        int n = 12;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<io.restassured.response.Response>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return given().auth()
                        .oauth2(TestTokens.alice())
                        .contentType("application/json")
                        .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                        .post("/v1/projects/{p}/restores", p.id());
            }));
        }
        go.countDown();
        int accepted = 0;
        String acceptedId = null;
        for (var f : calls) {
            var r = f.get();
            if (r.statusCode() == 202) {
                accepted++;
                acceptedId = r.path("id");
            } else {
                assertEquals(409, r.statusCode(), r.asString());
                assertEquals("project_busy", r.path("code"));
            }
        }
        pool.shutdown();
        assertEquals(1, accepted, "exactly one of the concurrent overwrites is accepted");
        assertEquals(
                "completed",
                RestoreToNewPreviewTest.awaitRestore(p.id(), acceptedId).getString("status"));
    }

    @Test
    void anExistingPreviewIsOverwrittenAndKeepsItsConnectionString() throws Exception {
        TestProject p = projects.withData(10);
        String first = backupOf(p);
        String created = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", first))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String previewId = RestoreToNewPreviewTest.awaitRestore(p.id(), created).getString("preview_id");
        String url = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), previewId)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        assertEquals(10, orders(RestoreToNewPreviewTest.connect(url)));

        try (Connection c = p.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders (customer, total) SELECT 2, 2 FROM generate_series(1, 15)");
        }
        String second = backupOf(p);
        String restoreId = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", second, "target_kind", "preview", "preview_id", previewId))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restoreId);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(previewId, done.getString("preview_id"));
        assertEquals(25, orders(RestoreToNewPreviewTest.connect(url)), "same URL, new data");
        assertEquals(25, orders(p.connect()), "production untouched");
    }

    @Test
    void aDeadWorkersOverwriteIsNeverRerunAndItsOutcomeIsReconciled() throws Exception {
        TestProject p = projects.withData(1);
        // Died while loading: the scratch database is still there, so production was not touched.
        UUID loading = deadOverwrite(p, RestorePhase.LOADING, true);
        // Died right after the swap committed: the scratch database is gone (another project: one overwrite at a time).
        UUID swapped = deadOverwrite(projects.withData(1), RestorePhase.SWAPPING, false);
        worker.engine().reap();
        Restore a = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(loading));
        assertEquals(RestoreStatus.FAILED, a.status);
        assertFalse(provisioner.exists(p.host(), a.scratchDatabase));
        assertEquals(
                RestoreStatus.COMPLETED,
                QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(swapped).status));
    }

    @Test
    void theScratchSweepDropsOnlyLeftoversOfOurOwnEndedOverwrites() throws Exception {
        TestProject p = projects.withData(1);
        UUID ended = overwriteRow(p, RestoreStatus.FAILED, null);
        UUID live = overwriteRow(p, RestoreStatus.RUNNING, Instant.now().plus(Duration.ofMinutes(10)));
        // A host may be shared with another deployment: a restore id our table does not know is its own.
        try {
            SharedHostScratch.assertSweepDropsOnlyOurEndedLeftover(
                    scratchDatabases, p.host(), OverwriteRestore.SCRATCH, ended, live, leftovers::dropLeftScratch);
        } finally {
            exec("UPDATE restore SET status = 'FAILED', lease_until = NULL WHERE id = '" + live + "'");
        }
    }

    /** An overwrite of production in {@code status}, loading into its scratch database, under {@code leaseUntil}. */
    private UUID overwriteRow(TestProject p, RestoreStatus status, Instant leaseUntil) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            Restore x = new Restore();
            x.id = id;
            x.projectId = p.id();
            x.orgId = "acme";
            x.sourceKind = SourceKind.BACKUP;
            x.backupKey = "k";
            x.targetKind = TargetKind.PROJECT;
            x.status = status;
            x.phase = RestorePhase.LOADING;
            x.scratchDatabase = OverwriteRestore.SCRATCH.name(id);
            x.attempt = 1;
            x.worker = "another-replica";
            x.leaseUntil = leaseUntil;
            x.createdAt = Instant.now();
            x.persist();
        });
        return id;
    }

    private UUID deadOverwrite(TestProject p, RestorePhase phase, boolean scratchExists) throws Exception {
        UUID id = UUID.randomUUID();
        String scratch = "rs_" + id.toString().replace("-", "");
        if (scratchExists) {
            try (Connection c = p.host().maintenanceConnection();
                    Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + scratch);
            }
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Restore x = new Restore();
            x.id = id;
            x.projectId = p.id();
            x.orgId = "acme";
            x.sourceKind = SourceKind.BACKUP;
            x.backupKey = "k";
            x.targetKind = TargetKind.PROJECT;
            x.status = RestoreStatus.RUNNING;
            x.phase = phase;
            x.scratchDatabase = scratch;
            x.attempt = 1;
            x.worker = "a-dead-replica";
            x.leaseUntil = Instant.now().minusSeconds(30);
            x.createdAt = Instant.now();
            x.persist();
        });
        return id;
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
