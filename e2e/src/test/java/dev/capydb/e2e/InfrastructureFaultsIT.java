package dev.capydb.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform's own dependencies failing under it: the identity provider down (tokens already issued keep
 * working, a new login fails plainly), a data-plane host restarted in the middle of a backup, and the object store
 * killed in the middle of a restore. Each job ends in a visible state with its reason, production keeps its rows,
 * nothing half-made is left behind, and the next job works. Each test prints one {@code faults:} line.
 */
@Tag("faults")
@ExtendWith(ContractGate.class)
class InfrastructureFaultsIT {

    private final List<String> projects = new ArrayList<>();

    @AfterEach
    void mend() throws Exception {
        StackControl.up();
        for (String p : projects) {
            Stack.api("alice").delete("/v1/projects/{id}", p);
        }
    }

    @Test
    void keycloakDownKeepsIssuedTokensWorkingAndANewLoginFailsPlainly() throws Exception {
        String project = project("faults-kc", 1_000);
        StackControl.stop("keycloak");
        JsonPath backup;
        try {
            // Every service checks tokens against the signing keys it already holds.
            Stack.api("alice").get("/v1/projects/{id}", project).then().statusCode(200);
            backup = Jobs.awaitBackup(project, Jobs.postBackup(project, "keycloak-down"));
            // Nobody can sign in meanwhile: the token endpoint does not answer at all.
            assertThrows(
                    Exception.class,
                    () -> given().contentType("application/x-www-form-urlencoded")
                            .formParam("grant_type", "password")
                            .formParam("client_id", "capydb-cli")
                            .formParam("username", "bob")
                            .formParam("password", "bob")
                            .post(Stack.keycloak() + "/protocol/openid-connect/token"));
            // And a token that is not one is still a 401 problem, not a failure of ours.
            Stack.anonymous()
                    .header("Authorization", "Bearer not.a.token")
                    .get("/v1/projects")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");
        } finally {
            StackControl.up();
        }
        System.out.printf("faults: keycloak_down backup=%s%n", backup.getString("status"));
        assertEquals("completed", backup.getString("status"), backup.prettify());
    }

    @Test
    void aDataPlaneHostRestartedDuringABackupEndsItVisiblyAndLosesNothing() throws Exception {
        String project = project("faults-host", 1_500_000);
        String url = Jobs.databaseUrl(project);
        String before = Jobs.rowHashes(url, "items");
        String backupId = Jobs.postBackup(project, "host-restart");
        JsonPath running = restartedWhileBackingUp(project, backupId, "pg-local-1");
        JsonPath ended = Jobs.awaitBackup(project, backupId);
        String key = ended.getString("backup_key");
        boolean partialObject = "failed".equals(ended.getString("status"))
                && key != null
                && Files.exists(StackControl.objectFile("capydb-backups", key));
        String after = Jobs.rowHashes(url, "items");
        JsonPath later = Jobs.awaitBackup(project, Jobs.postBackup(project, "after-the-restart"));
        System.out.printf(
                "faults: host_restarted_during=%s backup=%s partial_object_left=%b production_identical=%b"
                        + " later_backup=%s%n",
                running.getString("status"),
                ended.getString("status"),
                partialObject,
                before.equals(after),
                later.getString("status"));
        assertTrue(ended.getString("status").matches("completed|failed"), ended.prettify());
        if ("failed".equals(ended.getString("status"))) {
            assertFalse(
                    ended.getString("error") == null || ended.getString("error").isBlank(), ended.prettify());
        }
        assertFalse(partialObject, "a failed backup leaves no object");
        assertEquals(before, after, "production keeps its rows");
        assertEquals("completed", later.getString("status"), later.prettify());
    }

    @Test
    void theObjectStoreKilledDuringARestoreLeavesNoHalfPreview() throws Exception {
        String project = project("faults-s3-restore", 1_500_000);
        String url = Jobs.databaseUrl(project);
        JsonPath backup = Jobs.completedBackup(project);
        String before = Jobs.rowHashes(url, "items");
        var started = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("backup_key", backup.getString("backup_key"), "ttl_hours", 1))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract();
        String restoreId = started.path("id");
        String previewId = started.path("preview_id");
        Jobs.awaitRestore(project, restoreId, r -> !"pending".equals(r.getString("status")), Duration.ofMinutes(1));
        Jobs.sleep(300); // not a wait: the fault strikes a little into the running job, not at its first instant
        // Killed, not stopped: a stopping s3proxy lets the download in flight finish.
        StackControl.crash("s3proxy");
        JsonPath ended;
        try {
            ended = Jobs.awaitRestore(
                    project, restoreId, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(3));
        } finally {
            StackControl.up();
        }
        String previewDb = "pv_" + previewId.replace("-", "");
        boolean halfPreview = !Stack.psql(
                        Jobs.hostAdminUrl(), "SELECT count(*) FROM pg_database WHERE datname = '" + previewDb + "'")
                .equals("0");
        String after = Jobs.rowHashes(url, "items");
        System.out.printf(
                "faults: s3_killed_during_restore restore=%s half_preview_left=%b production_identical=%b%n",
                ended.getString("status"), halfPreview, before.equals(after));
        if ("failed".equals(ended.getString("status"))) {
            assertFalse(
                    ended.getString("error") == null || ended.getString("error").isBlank(), ended.prettify());
            assertFalse(halfPreview, "a failed restore leaves no preview database");
        } else {
            // The object was read whole before storage stopped: then the preview is complete.
            assertEquals("completed", ended.getString("status"), ended.prettify());
        }
        assertEquals(before, after, "production keeps its rows");
    }

    /**
     * With object storage down the archiving host's WAL waits, and its archiver keeps trying. DROP DATABASE waits
     * for every process to answer a signal barrier, the archiver included, which it cannot do while inside its
     * archive command: a push that retried for minutes made every drop on the host (a failed restore's preview, a
     * scratch database) hang just as long. The statement timeout only tells a hang from a drop.
     */
    @Test
    void aDatabaseOnTheArchivingHostDropsWhileTheObjectStoreIsDown() throws Exception {
        String database = "faults_drop_" + Long.toHexString(System.nanoTime());
        String admin = Jobs.hostAdminUrl();
        StackControl.crash("s3proxy");
        try {
            Stack.psql(admin, "CREATE DATABASE " + database);
            Stack.psql(admin, "SELECT pg_switch_wal()");
            await("the archiver pushing a segment to the stopped store")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Stack.psql(
                                    admin,
                                    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'archiver'"
                                            + " AND wait_event = 'ArchiveCommand'")
                            .equals("1"));
            Stack.psql(admin + "?options=-c%20statement_timeout%3D30s", "DROP DATABASE " + database + " WITH (FORCE)");
        } finally {
            StackControl.up();
        }
        System.out.printf("faults: s3_down drop_database=done%n");
        assertFalse(databaseExists(database));
    }

    @Test
    void aDataPlaneHostRestartedDuringARestoreAndAnImportEndsThemVisiblyAndLeavesNoScratch() throws Exception {
        restartedDuringARestoreAndAnImport("pg-local-1", "host_restarted_during");
    }

    @Test
    void theControlPlaneDatabaseRestartedDuringARestoreAndAnImportEndsThemVisiblyAndLeavesNoScratch() throws Exception {
        restartedDuringARestoreAndAnImport("pg-cp", "control_plane_restarted_during");
    }

    @Test
    void aDataPlaneHostRestartedDuringAnOverwriteLeavesProductionWhole() throws Exception {
        String project = project("faults-host-overwrite", 1_500_000);
        String url = Jobs.databaseUrl(project);
        JsonPath backup = Jobs.completedBackup(project);
        String backedUp = Jobs.rowHashes(url, "items");
        Stack.psql(url, "UPDATE items SET v = 'after the backup' WHERE id <= 100");
        String before = Jobs.rowHashes(url, "items");
        String restoreId = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of(
                        "backup_key",
                        backup.getString("backup_key"),
                        "target_kind",
                        "project",
                        "confirm_project_overwrite",
                        true))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        Jobs.awaitRestore(
                project,
                restoreId,
                r -> "loading".equals(r.getString("phase"))
                        || !r.getString("status").matches("pending|running"),
                Duration.ofMinutes(1));
        Jobs.sleep(300); // not a wait: the fault strikes a little into the running job, not at its first instant
        StackControl.fastStop("pg-local-1");
        StackControl.up();
        JsonPath ended = Jobs.awaitRestore(
                project, restoreId, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(3));
        assertEnded(ended);
        boolean scratchSwept = sweptWithin("rs_" + restoreId.replace("-", ""));
        String after = Jobs.rowHashes(url, "items");
        JsonPath later = Jobs.awaitBackup(project, Jobs.postBackup(project, "after-the-overwrite"));
        System.out.printf(
                "faults: host_restarted_during=overwrite restore=%s scratch_swept=%b production=%s"
                        + " later_backup=%s%n",
                ended.getString("status"),
                scratchSwept,
                after.equals(before) ? "as_before" : after.equals(backedUp) ? "as_backed_up" : "other",
                later.getString("status"));
        // Whole either way: the backup's rows after a completed swap, every row as it was after a failure.
        assertEquals("completed".equals(ended.getString("status")) ? backedUp : before, after, ended.prettify());
        assertTrue(scratchSwept, "no scratch database is left once swept");
        assertEquals("completed", later.getString("status"), "the project is usable again: " + later.prettify());
    }

    /**
     * Once a restore into a new preview has started, {@code component} gets a fast shutdown and comes back; then
     * the same during a URL import. Each job ends visibly, and whatever a failed one half-made is dropped.
     */
    private void restartedDuringARestoreAndAnImport(String component, String label) throws Exception {
        String project = project("faults-" + component, 1_500_000);
        String url = Jobs.databaseUrl(project);
        String key = Jobs.completedBackup(project).getString("backup_key");
        var started = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("backup_key", key, "ttl_hours", 1))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract();
        String restoreId = started.path("id");
        String previewDb = "pv_" + started.<String>path("preview_id").replace("-", "");
        Jobs.awaitRestore(project, restoreId, r -> !"pending".equals(r.getString("status")), Duration.ofMinutes(1));
        Jobs.sleep(300); // not a wait: the fault strikes a little into the running job, not at its first instant
        StackControl.fastStop(component);
        StackControl.up();
        JsonPath restore = Jobs.awaitRestore(
                project, restoreId, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(3));
        assertEnded(restore);
        // A restore or import that failed while the host was still down could not drop its half-made database;
        // the services' sweeps (every 10 s on the dev stack) do once the host answers.
        boolean halfPreviewSwept = !"failed".equals(restore.getString("status")) || sweptWithin(previewDb);

        String target = project("faults-" + component + "-import", 10);
        String before = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
        String importId = Stack.api("alice")
                .contentType("application/json")
                // The local hosts have no TLS: the source opts out of the sslmode=require the service would add.
                .body(Map.of("source_url", url + "?sslmode=disable", "recreate", true))
                .post("/v1/projects/{id}/imports", target)
                .then()
                .log()
                .ifValidationFails()
                .statusCode(202)
                .extract()
                .path("id");
        Jobs.await(
                () -> Stack.api("alice").get("/v1/projects/{id}/imports/{i}", target, importId),
                x -> "loading".equals(x.getString("phase"))
                        || !x.getString("status").matches("pending|running"),
                Duration.ofMinutes(1));
        StackControl.fastStop(component);
        StackControl.up();
        JsonPath imported = Jobs.awaitImport(target, importId);
        assertEnded(imported);
        boolean scratchLeft = !sweptWithin("im_" + importId.replace("-", ""));
        String after = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
        System.out.printf(
                "faults: %s restore=%s half_preview_swept=%b import=%s scratch_left=%b target_identical=%b%n",
                label,
                restore.getString("status"),
                halfPreviewSwept,
                imported.getString("status"),
                scratchLeft,
                before.equals(after));
        assertTrue(halfPreviewSwept, "a failed restore leaves no preview database once swept");
        assertFalse(scratchLeft, "the import's scratch database is dropped");
        if ("failed".equals(imported.getString("status"))) {
            assertEquals(before, after, "a failed import leaves the target as it was");
        }
    }

    @Test
    void theControlPlaneDatabaseRestartedMidBackupLeavesNoJobRunningForever() throws Exception {
        String project = project("faults-cp", 1_500_000);
        String backupId = Jobs.postBackup(project, "cp-restart");
        JsonPath running = restartedWhileBackingUp(project, backupId, "pg-cp");
        JsonPath ended = Jobs.awaitBackup(project, backupId);
        JsonPath later = Jobs.awaitBackup(project, Jobs.postBackup(project, "after-the-cp-restart"));
        System.out.printf(
                "faults: control_plane_restarted_during=%s backup=%s later_backup=%s%n",
                running.getString("status"), ended.getString("status"), later.getString("status"));
        assertEnded(ended);
        if ("completed".equals(ended.getString("status"))) {
            assertTrue(
                    Files.exists(StackControl.objectFile("capydb-backups", ended.getString("backup_key"))),
                    "a completed backup has its object");
        }
        assertEquals("completed", later.getString("status"), later.prettify());
    }

    /** Once the backup has started, {@code component} gets a fast shutdown and is started again; the job as seen then. */
    private static JsonPath restartedWhileBackingUp(String project, String backupId, String component)
            throws Exception {
        JsonPath running = Jobs.awaitBackupWhere(
                project, backupId, b -> !"pending".equals(b.getString("status")), Duration.ofMinutes(1));
        Jobs.sleep(300); // not a wait: the fault strikes a little into the running job, not at its first instant
        StackControl.fastStop(component);
        StackControl.up();
        return running;
    }

    private static void assertEnded(JsonPath job) {
        assertTrue(job.getString("status").matches("completed|failed"), job.prettify());
        if ("failed".equals(job.getString("status"))) {
            assertFalse(job.getString("error") == null || job.getString("error").isBlank(), job.prettify());
        }
    }

    /** Whether the database is gone within three minutes: a sweep's period (10 s on the dev stack) and then some. */
    private static boolean sweptWithin(String database) throws Exception {
        return Waits.within(
                Waits.await(database + " is dropped", Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)),
                () -> !databaseExists(database));
    }

    private static boolean databaseExists(String name) throws Exception {
        return !Stack.psql(Jobs.hostAdminUrl(), "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")
                .equals("0");
    }

    private String project(String prefix, int rows) throws Exception {
        String id = Jobs.newProject(prefix);
        projects.add(id);
        Jobs.fillItems(id, rows);
        return id;
    }
}
