package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StoredObject;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.testing.HostileTenant;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
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
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Point-in-time restore for real: base backup + archived WAL replayed to a time, only the rows before it remain. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class PitrRestoreTest {

    @Inject
    TestProjects projects;
    @Inject
    ToolRunner tools;
    @Inject
    ObjectStore store;
    @Inject
    BackupEventsConsumer backupEvents;
    @Inject
    dev.capydb.restore.dataplane.PitrRecovery recovery;

    /** A base backup of local-1 in storage, announced as backup-service would. */
    private void baseBackup(TestProject p) {
        UUID id = UUID.randomUUID();
        String key = "base/local-1/" + id + "/base.tar.gz";
        Instant start = Instant.now();
        AtomicReference<StoredObject> stored = new AtomicReference<>();
        var result = tools.run(ToolInvocation.of("pg_basebackup").args("--pgdata=-", "--format=tar", "--gzip",
                "--wal-method=none", "--checkpoint=fast", "--label=test-" + id).env(p.host().adminToolEnv())
                .stdout(out -> stored.set(store.upload("capydb-wal", key, out))).build());
        assertTrue(result.succeeded(), result.describeFailure("pg_basebackup"));
        backupEvents.onBackupEvent(EventJson.write(EventEnvelope.of(EventType.BASE_BACKUP_COMPLETED, "backup-service",
                null, null, null, new BaseBackupPayload(id, "local-1", key, start, "0/0", Instant.now(),
                        stored.get().sizeBytes()))));
    }

    private static long orders(Connection c) throws Exception {
        try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static java.util.Set<Path> scratchDirs() throws Exception {
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(f -> f.getFileName().toString().startsWith("capydb-pitr-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void scratchClustersOfAKilledServiceAreSweptButLiveOnesAreKept() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path abandoned = Files.createTempDirectory(tmp, "capydb-pitr-");
        Files.writeString(abandoned.resolve("PG_VERSION"), "15\n");
        Path live = Files.createTempDirectory(tmp, "capydb-pitr-");
        try (var channel = java.nio.channels.FileChannel.open(live.resolve("capydb-restore.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var held = channel.lock()) {
            assertTrue(recovery.sweepAbandoned() >= 1);
            assertFalse(Files.exists(abandoned), "nobody held it: removed");
            assertTrue(Files.exists(live.resolve("capydb-restore.lock")), "a running restore's directory is kept");
        } finally {
            try (Stream<Path> files = Files.walk(live)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void restoringToATimeKeepsOnlyWhatWasCommittedBeforeIt() throws Exception {
        TestProject p = projects.withData(10);
        // A hostile member's objects ride along: the recovered copy is dumped and loaded without running them as admin.
        HostileTenant tenant = HostileTenant.plantIn(p);
        baseBackup(p);
        Thread.sleep(1500);
        Instant t;
        try (Connection c = p.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            t = rs.getTimestamp(1).toInstant();
        }
        Thread.sleep(1500);
        try (Connection c = p.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders (customer, total) SELECT 1, 1 FROM generate_series(1, 5)");
        }
        assertEquals(15, orders(p.connect()));
        java.util.Set<Path> scratchBefore = scratchDirs();

        String restoreId = given().auth().oauth2(TestTokens.bob()).contentType("application/json")
                .body(Map.of("restore_time", t.toString(), "preview_name", "before-the-bad-insert"))
                .post("/v1/projects/{p}/restores", p.id()).then().statusCode(202)
                .body("source_kind", equalTo("pitr")).extract().path("id");
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restoreId);
        assertEquals("completed", done.getString("status"), done.prettify());
        String url = given().auth().oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), done.getString("preview_id"))
                .then().statusCode(200).extract().path("database_url");
        assertEquals(10, orders(RestoreToNewPreviewTest.connect(url)), "only the rows committed before T");
        try (Connection c = RestoreToNewPreviewTest.connect(url)) {
            assertEquals(HostileTenant.GUARDED_ROWS, TenantIsolationTest.guarded(c));
            assertEquals("pv_" + done.getString("preview_id").replace("-", ""), HostileTenant.definerOwner(c));
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
        assertEquals(15, orders(p.connect()), "production untouched");
        assertEquals(scratchBefore, scratchDirs(), "the scratch cluster is deleted");

        // Before the oldest base backup there is nothing to replay from.
        given().auth().oauth2(TestTokens.bob()).contentType("application/json")
                .body(Map.of("restore_time", "2020-01-01T00:00:00Z"))
                .post("/v1/projects/{p}/restores", p.id()).then().statusCode(422).body("code", equalTo("target_outside_window"));
        UUID other = UUID.randomUUID();
        projects.announce(other, "prj_" + other.toString().replace("-", ""), "active", 1, "local-2", false);
        given().auth().oauth2(TestTokens.bob()).contentType("application/json").body(Map.of("restore_time", t.toString()))
                .post("/v1/projects/{p}/restores", other).then().statusCode(422).body("code", equalTo("pitr_unavailable"));
    }
}
