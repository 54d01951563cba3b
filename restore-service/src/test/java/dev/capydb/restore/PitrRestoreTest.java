package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StoredObject;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.BackupType;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.dataplane.PitrRecovery;
import dev.capydb.restore.dataplane.RestoreFailure;
import dev.capydb.restore.dataplane.ScratchDirectories;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.restore.service.PitrSlots;
import dev.capydb.restore.service.PitrWindow;
import dev.capydb.testing.HostileTenant;
import dev.capydb.testing.Records;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time restore for real: a pgBackRest backup set restored selectively into a scratch cluster, the host's WAL
 * replayed to a time, and only the project's rows from before it in the result, whatever its neighbours did.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class PitrRestoreTest {

    /** A neighbour's marker rows (their total): they must never show up in another project's restore. */
    private static final int NEIGHBOUR_MARK = 424242;

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    HostRegistry hosts;

    @Inject
    PgBackRest pgBackRest;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    PitrRecovery recovery;

    @Inject
    ScratchDirectories directories;

    @Inject
    PitrSlots slots;

    @Inject
    PitrWindow window;

    private DatabaseHost local1() {
        return hosts.host("local-1");
    }

    /** A pgBackRest base backup of local-1 (an incremental, or a full when there is none), announced as backup-service would. */
    private BackupSet baseBackup() {
        pgBackRest.ensureStanza(local1());
        BackupSet set = pgBackRest.backup(local1(), BackupType.INCR, Duration.ofDays(7), Duration.ofMinutes(10));
        backupEvents.onBackupEvent(Records.of(EventJson.write(EventEnvelope.of(
                EventType.BASE_BACKUP_COMPLETED,
                "backup-service",
                null,
                null,
                null,
                new BaseBackupPayload(
                        UUID.randomUUID(),
                        "local-1",
                        null,
                        set.label(),
                        set.type().option(),
                        set.startTime(),
                        set.startLsn(),
                        Instant.now(),
                        set.repoSizeBytes())))));
        return set;
    }

    /** A base backup as the engine before pgBackRest made them: one gzip'd tar of the whole host in the WAL bucket. */
    private PitrWindow.BaseBackupRef oldStyleBaseBackup(TestProject p) {
        UUID id = UUID.randomUUID();
        String key = "base/local-1/" + id + "/base.tar.gz";
        AtomicReference<StoredObject> stored = new AtomicReference<>();
        var result = tools.run(ToolInvocation.of("pg_basebackup")
                .args(
                        "--pgdata=-",
                        "--format=tar",
                        "--gzip",
                        "--wal-method=none",
                        "--checkpoint=fast",
                        "--label=test-" + id)
                .env(p.host().adminToolEnv())
                .stdout(out -> stored.set(store.upload("capydb-wal", key, out)))
                .build());
        assertTrue(result.succeeded(), result.describeFailure("pg_basebackup"));
        return new PitrWindow.BaseBackupRef(id, null, key);
    }

    private static long orders(Connection c) throws Exception {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long neighbourRows(Connection c) throws Exception {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM public.orders WHERE total = " + NEIGHBOUR_MARK)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insert(TestProject p, int rows, int total) throws Exception {
        try (Connection c = p.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders (customer, total) SELECT 1, " + total + " FROM generate_series(1, " + rows
                    + ")");
        }
    }

    /**
     * A target T strictly between commits: the database's clock once it has moved past every commit so far (and
     * past the base backup's recorded end), and no commit after this returns before the clock has moved past T.
     */
    private static Instant now(TestProject p) throws Exception {
        Instant before = dbNow(p);
        Instant t = awaitClockPast(p, before.isAfter(Instant.now()) ? before : Instant.now());
        awaitClockPast(p, t);
        return t;
    }

    /** Polls the database's clock until it reads later than {@code instant} (bounded: a stuck clock fails the test). */
    private static Instant awaitClockPast(TestProject p, Instant instant) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Instant now;
        while (!(now = dbNow(p)).isAfter(instant)) {
            assertTrue(System.nanoTime() < deadline, "the database clock did not pass " + instant);
        }
        return now;
    }

    private static Instant dbNow(TestProject p) throws Exception {
        try (Connection c = p.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static Set<Path> scratchDirs() throws Exception {
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(f -> f.getFileName().toString().startsWith("capydb-pitr-"))
                    .collect(Collectors.toSet());
        }
    }

    private static String pitr(TestProject p, Instant t, String preview) {
        return given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("restore_time", t.toString(), "preview_name", preview))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .body("source_kind", equalTo("pitr"))
                .extract()
                .path("id");
    }

    private static String previewUrl(TestProject p, JsonPath done) {
        return given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), done.getString("preview_id"))
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    @Test
    void scratchClustersOfAKilledServiceAreSweptButLiveOnesAreKept() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path abandoned = Files.createTempDirectory(tmp, "capydb-pitr-");
        Files.createDirectories(abandoned.resolve("data"));
        Files.writeString(abandoned.resolve("data/PG_VERSION"), "15\n");
        Path live = Files.createTempDirectory(tmp, "capydb-pitr-");
        try (var channel = java.nio.channels.FileChannel.open(
                        live.resolve("capydb-restore.lock"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                var held = channel.lock()) {
            assertTrue(directories.sweepAbandoned() >= 1);
            assertFalse(Files.exists(abandoned), "nobody held it: removed");
            assertTrue(Files.exists(live.resolve("capydb-restore.lock")), "a running restore's directory is kept");
        } finally {
            try (Stream<Path> files = Files.walk(live)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void restoringToATimeKeepsOnlyTheProjectsRowsCommittedBeforeIt() throws Exception {
        TestProject p = projects.withData(10);
        TestProject neighbour = projects.withData(3);
        // A hostile member's objects ride along: the recovered copy is dumped and loaded without running them as admin.
        HostileTenant tenant = HostileTenant.plantIn(p);
        baseBackup();
        insert(neighbour, 7, NEIGHBOUR_MARK); // the neighbour writes during the window too
        Instant t = now(p);
        insert(p, 5, 1);
        insert(neighbour, 7, NEIGHBOUR_MARK);
        assertEquals(15, orders(p.connect()));
        Set<Path> scratchBefore = scratchDirs();

        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), pitr(p, t, "before-the-bad-insert"));
        assertEquals("completed", done.getString("status"), done.prettify());
        String url = previewUrl(p, done);
        assertEquals(10, orders(RestoreToNewPreviewTest.connect(url)), "only the rows committed before T");
        assertEquals(0, neighbourRows(RestoreToNewPreviewTest.connect(url)), "nothing of the neighbour's");
        try (Connection c = RestoreToNewPreviewTest.connect(url)) {
            assertEquals(HostileTenant.GUARDED_ROWS, TenantIsolationTest.guarded(c));
            assertEquals("pv_" + done.getString("preview_id").replace("-", ""), HostileTenant.definerOwner(c));
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
        assertEquals(15, orders(p.connect()), "production untouched");
        assertEquals(17, orders(neighbour.connect()), "the neighbour untouched");
        assertEquals(scratchBefore, scratchDirs(), "the scratch cluster is deleted");

        // Before the oldest base backup there is nothing to replay from.
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("restore_time", "2020-01-01T00:00:00Z"))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("target_outside_window"));
        UUID other = UUID.randomUUID();
        projects.announce(other, "prj_" + other.toString().replace("-", ""), "active", 1, "local-2", false);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("restore_time", t.toString()))
                .post("/v1/projects/{p}/restores", other)
                .then()
                .statusCode(422)
                .body("code", equalTo("pitr_unavailable"));
    }

    @Test
    void aNeighbourVacuumedAfterTheBaseBackupDoesNotStopTheRecovery() throws Exception {
        TestProject p = projects.withData(4);
        TestProject neighbour = projects.withData(6);
        baseBackup();
        // VACUUM marks the neighbour's page all-visible in a WAL record that names the page without its image: the
        // selective restore left that page zero-filled, and PostgreSQL refuses such a reference unless told otherwise.
        try (Connection c = neighbour.connect();
                Statement st = c.createStatement()) {
            st.execute("VACUUM public.orders");
        }
        Instant t = now(p);
        insert(p, 3, 1);

        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), pitr(p, t, "after-a-neighbour-vacuum"));
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(4, orders(RestoreToNewPreviewTest.connect(previewUrl(p, done))));
        assertEquals(6, orders(neighbour.connect()), "the neighbour untouched");
    }

    @Test
    void aProjectCreatedAfterTheNewestBaseBackupIsReplayedIntoBeingWhileTheNextBaseBackupRuns() throws Exception {
        baseBackup();
        TestProject p = projects.withData(10); // not in any backup set: WAL replay creates its database
        Instant t = now(p);
        insert(p, 5, 1);
        String restore = pitr(p, t, "made-after-the-backup");
        // Another base backup of the same host starts at once and runs alongside the recovery.
        CompletableFuture<BackupSet> concurrent = CompletableFuture.supplyAsync(
                () -> pgBackRest.backup(local1(), BackupType.INCR, Duration.ofDays(7), Duration.ofMinutes(10)));
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), restore);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(
                10, orders(RestoreToNewPreviewTest.connect(previewUrl(p, done))), "only the rows committed before T");
        BackupSet alongside = concurrent.get(10, TimeUnit.MINUTES);
        assertEquals(BackupType.INCR, alongside.type(), "the base backup completed too");
    }

    @Test
    void aBaseBackupMadeBeforePgBackRestStillRecoversThroughTheNewArchive() throws Exception {
        TestProject p = projects.withData(10);
        PitrWindow.BaseBackupRef old = oldStyleBaseBackup(p);
        Instant t = now(p);
        insert(p, 5, 1);
        window.archiveUpToNow(p.host(), Duration.ofMinutes(2)); // the WAL up to T reaches pgBackRest's archive
        try (PitrRecovery.Cluster cluster = recovery.recover(p.host(), old, t, p.database(), () -> {})) {
            assertEquals(10, orders(cluster.host().adminConnection(p.database())), "only the rows committed before T");
        } finally {
            store.delete("capydb-wal", old.objectKey());
        }
    }

    @Test
    void aFailedRecoveryLeavesNoScratchCluster() throws Exception {
        TestProject p = projects.withData(1);
        Set<Path> before = scratchDirs();
        RestoreFailure failure = assertThrows(
                RestoreFailure.class,
                () -> recovery.recover(
                        p.host(),
                        new PitrWindow.BaseBackupRef(UUID.randomUUID(), "20200101-000000F", null),
                        Instant.now(),
                        p.database(),
                        () -> {}));
        assertTrue(failure.getMessage().contains("20200101-000000F"), failure.getMessage());
        assertEquals(before, scratchDirs(), "nothing left behind");
    }

    @Test
    void recoveriesPerHostAreBoundedAndTheRestWaitVisibly() throws Exception {
        String host = "slot-test-" + UUID.randomUUID();
        AtomicBoolean waited = new AtomicBoolean();
        try (PitrSlots.Slot first = slots.acquire(host, () -> waited.set(true), Duration.ofSeconds(5))) {
            PitrSlots.Slot second = slots.acquire(host, () -> waited.set(true), Duration.ofSeconds(5));
            assertFalse(waited.get(), "two run at once (capydb.restores.pitr.max-per-host)");
            RestoreFailure full = assertThrows(
                    RestoreFailure.class, () -> slots.acquire(host, () -> waited.set(true), Duration.ofSeconds(2)));
            assertTrue(waited.get(), "the third was told to wait");
            assertTrue(full.getMessage().contains("2 run at once"), full.getMessage());
            second.close();
            waited.set(false);
            try (PitrSlots.Slot third = slots.acquire(host, () -> waited.set(true), Duration.ofSeconds(5))) {
                assertFalse(waited.get(), "a freed slot is taken at once");
            }
        }
    }
}
