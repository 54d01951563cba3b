package dev.capydb.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.backup.dataplane.BackupVerifier;
import dev.capydb.backup.messaging.BackupConsumers;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.backup.service.BackupWorker;
import dev.capydb.backup.service.BaseBackupExpiry;
import dev.capydb.backup.service.BaseBackupService;
import dev.capydb.backup.service.RetentionService;
import dev.capydb.backup.service.ScheduleService;
import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.pgbackrest.BackupType;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePointPayload;
import dev.capydb.testing.Records;
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
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Schedules, retention, leases, pre-cutover backups and PITR base backups, driven by hand. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class BackupLifecycleTest {

    @Inject
    TestProjects fixtures;

    @Inject
    ScheduleService schedules;

    @Inject
    RetentionService retention;

    @Inject
    BackupWorker worker;

    @Inject
    BaseBackupService baseBackups;

    @Inject
    BaseBackupExpiry baseBackupExpiry;

    @Inject
    PgBackRest pgBackRest;

    @Inject
    BackupConsumers consumers;

    @Inject
    Inbox inbox;

    @Inject
    BackupRepository backups;

    @Inject
    HostRegistry hosts;

    @Inject
    ObjectStore store;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ScratchDatabases scratchDatabases;

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void scheduleIsValidatedAndEachSlotRunsOnceAcrossReplicasAndDowntime() throws Exception {
        TestProject p = fixtures.withData(5);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(200)
                .body("configured", equalTo(false))
                .body("active", equalTo(false));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("hour", 24, "minute", -1, "active", true, "retention_days", 400))
                .put("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItems("hour", "minute", "retention_days"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("hour", 2, "minute", 30, "active", true, "retention_days", 7))
                .put("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("hour", 2, "minute", 30, "active", true, "retention_days", 7))
                .put("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(200)
                .body("hour", equalTo(2))
                .body("minute", equalTo(30))
                .body("next_run_at", notNullValue())
                .body("configured", equalTo(true));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/scheduled-backups/other", p.id())
                .then()
                .statusCode(404);

        // Down for three days: the missed slots run once, late, and the next slot is in the future.
        sql("UPDATE backup_schedule SET next_run_at = now() - interval '3 days' WHERE project_id = '" + p.id() + "'");
        ExecutorService two = Executors.newFixedThreadPool(2);
        Callable<Integer> replica = () -> schedules.runDue(Instant.now());
        List<Future<Integer>> runs = two.invokeAll(List.of(replica, replica));
        int created = runs.get(0).get() + runs.get(1).get();
        two.shutdown();
        List<Backup> made = QuarkusTransaction.requiringNew()
                .call(() -> backups.list("projectId = ?1 and kind = ?2", p.id(), BackupKind.SCHEDULED));
        assertEquals(1, made.size(), "one backup for the missed slot");
        assertTrue(created >= 1);
        assertEquals(0, schedules.runDue(Instant.now()), "nothing more is due");
        Instant next = schedules.find(p.id()).orElseThrow().nextRunAt;
        assertTrue(next.isAfter(Instant.now()), "next slot " + next + " is in the future");
        assertNotNull(schedules.find(p.id()).orElseThrow().lastRunAt);

        // project.deleted stops the schedule.
        EventEnvelope deleted = EventEnvelope.of(
                EventType.PROJECT_DELETED,
                "project-service",
                "acme",
                p.id(),
                null,
                new dev.capydb.events.ProjectPayload(
                        p.id(),
                        "acme",
                        "x",
                        "local-1",
                        "free",
                        1,
                        "local-1",
                        p.database(),
                        p.database(),
                        "deleted",
                        true,
                        9,
                        Instant.now(),
                        Instant.now()));
        consumers.onProjectEvent(Records.of(EventJson.write(deleted)));
        assertFalse(schedules.find(p.id()).orElseThrow().active);
    }

    @Test
    void retentionKeepsPinnedAndNewestAndShowsWhatItExpired() throws Exception {
        TestProject p = fixtures.withData(1);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("hour", 1, "minute", 0, "active", false, "retention_days", 7))
                .put("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(200);
        UUID oldest = oldBackup(p, 30);
        UUID pinned = oldBackup(p, 20);
        UUID newest = oldBackup(p, 10);
        UUID recent = UUID.randomUUID();
        String pinnedKey = QuarkusTransaction.requiringNew().call(() -> backups.findById(pinned).backupKey);
        inbox.process(
                "backup-restore-points",
                EventJson.write(EventEnvelope.of(
                        EventType.RESTORE_POINT_CREATED,
                        "restore-service",
                        "acme",
                        p.id(),
                        null,
                        new RestorePointPayload(
                                UUID.randomUUID(), p.id(), "keep-me", "backup", pinnedKey, null, null))),
                consumers::onRestoreEventForTest);

        List<UUID> expired = retention.runOnce(Instant.now());
        assertEquals(
                List.of(oldest),
                expired.stream()
                        .filter(List.of(oldest, pinned, newest, recent)::contains)
                        .toList());
        String oldestKey = QuarkusTransaction.requiringNew().call(() -> backups.findById(oldest).backupKey);
        assertEquals(Optional.empty(), store.size("capydb-backups", oldestKey));
        assertTrue(store.size("capydb-backups", pinnedKey).isPresent());

        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(oldest.toString())))
                .body("items.id", hasItem(pinned.toString()))
                .body("items.id", hasItem(newest.toString()));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups?include=expired", p.id())
                .then()
                .statusCode(200)
                .body("items.find { it.id == '" + oldest + "' }.status", equalTo("expired"))
                .body(
                        "items.find { it.id == '" + oldest + "' }.expired_reason",
                        equalTo("older than the 7-day retention window"));
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/backups/{b}", p.id(), pinned)
                .then()
                .statusCode(409)
                .body("code", equalTo("backup_pinned"));
    }

    @Test
    void aDeletedProjectsBackupsFollowTheDefaultWindowEvenWithoutASchedule() throws Exception {
        TestProject p = fixtures.withData(1);
        UUID old = oldBackup(p, 30);
        UUID newest = oldBackup(p, 20);
        assertTrue(
                retention.runOnce(Instant.now()).stream().noneMatch(List.of(old, newest)::contains),
                "a live project without a schedule keeps its backups");
        fixtures.announce(p.id(), p.database(), "deleted", 5);
        List<UUID> expired = retention.runOnce(Instant.now());
        assertTrue(expired.contains(old));
        assertFalse(expired.contains(newest), "the newest completed backup stays");
    }

    /** A completed backup with a small object, {@code days} old. */
    private UUID oldBackup(TestProject p, int days) throws Exception {
        UUID id = UUID.randomUUID();
        String key = "projects/" + p.id() + "/backups/" + id + ".dump";
        var stored = store.upload("capydb-backups", key, new ByteArrayInputStream(("backup " + id).getBytes()));
        Instant at = Instant.now().minus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = new Backup();
            b.id = id;
            b.projectId = p.id();
            b.orgId = "acme";
            b.kind = BackupKind.SCHEDULED;
            b.status = BackupStatus.COMPLETED;
            b.backupKey = key;
            b.sizeBytes = stored.sizeBytes();
            b.sha256 = stored.sha256();
            b.createdAt = at;
            b.completedAt = at;
            backups.persist(b);
        });
        return id;
    }

    @Test
    void aDeadWorkersBackupRunsAgainThenGivesUp() throws Exception {
        TestProject p = fixtures.withData(1);
        UUID retried = UUID.randomUUID();
        UUID exhausted = UUID.randomUUID();
        for (UUID id : List.of(retried, exhausted)) {
            QuarkusTransaction.requiringNew().run(() -> {
                Backup b = new Backup();
                b.id = id;
                b.projectId = p.id();
                b.orgId = "acme";
                b.kind = BackupKind.MANUAL;
                b.status = BackupStatus.RUNNING;
                b.attempt = id.equals(retried) ? 1 : 3;
                b.worker = "a-dead-replica";
                b.leaseUntil = Instant.now().minusSeconds(60);
                b.backupKey = "projects/" + p.id() + "/backups/" + id + ".dump";
                b.createdAt = Instant.now();
                backups.persist(b);
            });
        }
        worker.engine().reap();
        Backup failed = QuarkusTransaction.requiringNew().call(() -> backups.findById(exhausted));
        assertEquals(BackupStatus.FAILED, failed.status);
        assertTrue(failed.error.contains("stopped 3 times"), failed.error);
        // The retried one goes back to pending and a live worker completes it.
        BackupStatus status = Waits.until(
                Duration.ofSeconds(60),
                "the retried backup finishes",
                () -> QuarkusTransaction.requiringNew().call(() -> backups.findById(retried).status),
                s -> s == BackupStatus.COMPLETED || s == BackupStatus.FAILED);
        assertEquals(BackupStatus.COMPLETED, status);
        assertEquals(2, QuarkusTransaction.requiringNew().call(() -> backups.findById(retried).attempt));
    }

    @Test
    void theScratchSweepDropsOnlyLeftoversOfOurOwnBackupsThatNoWorkerIsAt() throws Exception {
        TestProject p = fixtures.withData(1);
        UUID ended = oldBackup(p, 1);
        UUID live = runningBackup(p);
        // A host may be shared with another deployment: a backup id our table does not know is its own.
        try {
            SharedHostScratch.assertSweepDropsOnlyOurEndedLeftover(
                    scratchDatabases, p.host(), BackupVerifier.SCRATCH, ended, live, worker::dropLeftScratch);
        } finally {
            QuarkusTransaction.requiringNew().run(() -> backups.findById(live).status = BackupStatus.FAILED);
        }
    }

    /** A backup another replica is running under a lease that has not run out. */
    private UUID runningBackup(TestProject p) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = new Backup();
            b.id = id;
            b.projectId = p.id();
            b.orgId = "acme";
            b.kind = BackupKind.MANUAL;
            b.status = BackupStatus.RUNNING;
            b.attempt = 1;
            b.worker = "another-replica";
            b.leaseUntil = Instant.now().plus(Duration.ofMinutes(10));
            b.backupKey = "projects/" + p.id() + "/backups/" + id + ".dump";
            b.createdAt = Instant.now();
            backups.persist(b);
        });
        return id;
    }

    @Test
    void cutoverExecutionTakesAVerifiedPreCutoverBackupOnce() throws Exception {
        TestProject p = fixtures.withData(10);
        UUID request = UUID.randomUUID();
        String json = EventJson.write(EventEnvelope.of(
                EventType.CUTOVER_EXECUTION_STARTED,
                "cutover-service",
                "acme",
                p.id(),
                request.toString(),
                new CutoverPayload(request, p.id(), UUID.randomUUID(), "in_progress", "OPS-1", null, null)));
        consumers.onCutoverEvent(Records.of(json));
        consumers.onCutoverEvent(Records.of(json));
        List<Backup> pre = QuarkusTransaction.requiringNew()
                .call(() -> backups.list("projectId = ?1 and kind = ?2", p.id(), BackupKind.PRE_CUTOVER));
        assertEquals(1, pre.size());
        assertEquals("pre-cutover-" + request, pre.get(0).label);
        assertTrue(pre.get(0).verify);
        String id = pre.get(0).id.toString();
        var done = BackupApiTest.awaitFinished(p.id(), id);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertTrue(done.getBoolean("verified"));
        assertEquals(request.toString(), done.getString("correlation_id"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups", p.id())
                .then()
                .body("items.find { it.id == '" + id + "' }.kind", equalTo("pre_cutover"));
    }

    @Test
    void baseBackupsOfThePitrHostArePgBackRestSetsFullThenIncremental() throws Exception {
        var host = hosts.host("local-1");
        sql("DELETE FROM base_backup");
        UUID id = baseBackups.claimIfDue(host, Instant.now()).orElseThrow();
        assertTrue(baseBackups.claimIfDue(host, Instant.now()).isEmpty(), "one at a time per host");
        BaseBackup full = baseBackups.take(host, id);
        assertEquals("completed", full.status);
        assertEquals(BackupType.FULL, full.kind, "no full yet: a full");
        assertTrue(full.label.matches("\\d{8}-\\d{6}F"), full.label);
        assertTrue(full.startLsn.matches("[0-9A-F]+/[0-9A-F]+"), full.startLsn);
        assertTrue(pgBackRest.sets(host).stream().anyMatch(s -> s.label().equals(full.label)), "in the repository");
        assertTrue(baseBackups.claimIfDue(host, Instant.now()).isEmpty(), "not due again yet");

        UUID next = baseBackups
                .claimIfDue(host, Instant.now().plus(Duration.ofHours(2)))
                .orElseThrow();
        BaseBackup incr = baseBackups.take(host, next);
        assertEquals(BackupType.INCR, incr.kind, "an hour later: the changes since the full only");
        assertTrue(incr.label.startsWith(full.label + "_") && incr.label.endsWith("I"), incr.label);
        assertTrue(incr.sizeBytes < full.sizeBytes, incr.sizeBytes + " stored vs the full's " + full.sizeBytes);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM outbox_event WHERE type = 'base_backup.completed' "
                        + "AND (payload LIKE '%" + full.label + "%' OR payload LIKE '%" + incr.label + "%')")) {
            rs.next();
            assertEquals(2, rs.getInt(1));
        }
        sql("DELETE FROM base_backup WHERE status = 'running'");
    }

    @Test
    void aSetPgBackRestExpiredIsAnnouncedSoNoRestoreStartsFromIt() throws Exception {
        var host = hosts.host("local-1");
        UUID gone = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            BaseBackup b = new BaseBackup();
            b.id = gone;
            b.hostId = host.id();
            b.status = "completed";
            b.label = "20200101-000000F";
            b.kind = BackupType.FULL;
            b.startTime = Instant.parse("2020-01-01T00:00:00Z");
            b.endTime = b.startTime;
            b.persist();
        });
        assertTrue(baseBackupExpiry.syncExpired(host) >= 1);
        assertNotNull(QuarkusTransaction.requiringNew().call(() -> BaseBackup.<BaseBackup>findById(gone).prunedAt));
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM outbox_event WHERE type = 'base_backup.expired' "
                        + "AND payload LIKE '%" + gone + "%'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertEquals(0, baseBackupExpiry.syncExpired(host), "announced once");
    }

    @Test
    void pruningRemovesOldBaseBackupsAndTheWalBeforeTheOldestKept() throws Exception {
        // A host of its own, so pruning never touches the real WAL archive of local-1.
        var host = new dev.capydb.dataplane.DatabaseHost(
                "prune-test-" + UUID.randomUUID().toString().substring(0, 8),
                "local-1",
                "127.0.0.1",
                1,
                "postgres",
                "x",
                true,
                "127.0.0.1",
                1,
                "postgres",
                java.util.Optional.empty());
        Instant now = Instant.now();
        UUID old = baseBackupRow(host.id(), now.minus(Duration.ofDays(20)), "000000010000000000000002");
        UUID kept = baseBackupRow(host.id(), now.minus(Duration.ofDays(9)), "000000010000000000000005");
        UUID recent = baseBackupRow(host.id(), now.minus(Duration.ofDays(1)), "000000010000000000000009");
        for (String wal : List.of(
                "000000010000000000000001",
                "000000010000000000000004",
                "000000010000000000000004.00000028.backup",
                "000000010000000000000005",
                "00000002.history",
                "00000001000000000000000A")) {
            store.upload("capydb-wal", host.id() + "/" + wal, new ByteArrayInputStream(wal.getBytes()));
        }
        assertEquals(1, baseBackupExpiry.pruneLegacy(host, now));
        assertEquals(Optional.empty(), store.size("capydb-wal", "base/" + host.id() + "/" + old + "/base.tar.gz"));
        assertTrue(
                store.size("capydb-wal", "base/" + host.id() + "/" + kept + "/base.tar.gz")
                        .isPresent(),
                "the newest base backup before the cutoff keeps the window reaching back 7 days");
        assertTrue(store.size("capydb-wal", "base/" + host.id() + "/" + recent + "/base.tar.gz")
                .isPresent());
        List<String> left = store.list("capydb-wal", host.id() + "/").stream()
                .map(o -> o.key().substring(host.id().length() + 1))
                .sorted()
                .toList();
        assertEquals(List.of("000000010000000000000005", "00000001000000000000000A", "00000002.history"), left);
        for (String k : left) {
            store.delete("capydb-wal", host.id() + "/" + k);
        }
        store.delete("capydb-wal", "base/" + host.id() + "/" + kept + "/base.tar.gz");
        store.delete("capydb-wal", "base/" + host.id() + "/" + recent + "/base.tar.gz");
    }

    private UUID baseBackupRow(String hostId, Instant start, String walFile) throws Exception {
        UUID id = UUID.randomUUID();
        String key = "base/" + hostId + "/" + id + "/base.tar.gz";
        store.upload("capydb-wal", key, new ByteArrayInputStream("tar".getBytes()));
        QuarkusTransaction.requiringNew().run(() -> {
            BaseBackup b = new BaseBackup();
            b.id = id;
            b.hostId = hostId;
            b.status = "completed";
            b.objectKey = key;
            b.startTime = start;
            b.startLsn = "0/0";
            b.startWalFile = walFile;
            b.endTime = start;
            b.sizeBytes = 3L;
            b.persist();
        });
        return id;
    }
}
