package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the API acknowledged is usable at once through every endpoint, with two instances of every service (each
 * consumer group split across them): a new project is known everywhere, a completed backup can be restored, a
 * completed restore's preview can be promoted, and a deleted project is gone everywhere, each on the very next call,
 * with no retry. Every unexpected answer is a miss; the suite wants none.
 */
@ExtendWith(ContractGate.class)
class ReadYourWritesIT {

    private static final boolean LONG = "long".equals(Stack.env("CAPYDB_FAULTS", "short"));
    private static final List<String> PROJECT_SCOPED =
            List.of("backups", "previews", "webhooks", "restores", "imports", "restore-points", "cutover-requests");

    private static SecondInstances seconds;

    @BeforeAll
    static void secondInstances() throws Exception {
        seconds = SecondInstances.start("read-your-writes");
    }

    @AfterAll
    static void firstInstancesOnly() throws Exception {
        seconds.close();
    }

    @Test
    void everyAcknowledgedWriteIsUsableAtOnceEverywhere() throws Exception {
        int rounds = LONG ? 100 : 30;
        List<String> misses = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            round(i, misses);
        }
        System.out.printf("read-your-writes: %d rounds, %d misses%n", rounds, misses.size());
        assertTrue(misses.isEmpty(), misses.size() + " misses:\n" + String.join("\n", misses));
    }

    private static void round(int i, List<String> misses) throws InterruptedException {
        String project = Jobs.newProject("ryw");
        for (String resource : PROJECT_SCOPED) {
            expect(
                    misses,
                    i,
                    "list " + resource + " of the new project",
                    200,
                    Stack.api("alice").get("/v1/projects/{id}/" + resource, project));
        }
        Response backup = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("label", "ryw"))
                .post("/v1/projects/{id}/backups", project);
        if (!expect(misses, i, "back up the new project", 202, backup)) {
            return;
        }
        JsonPath b = Jobs.awaitBackup(project, backup.path("id"));
        assertEquals("completed", b.getString("status"), b.prettify());

        Response restore = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("backup_key", b.getString("backup_key"), "ttl_hours", 1))
                .post("/v1/projects/{id}/restores", project);
        if (!expect(misses, i, "restore the backup just completed", 202, restore)) {
            return;
        }
        JsonPath r = Jobs.awaitRestore(
                project,
                restore.path("id"),
                j -> !j.getString("status").matches("pending|running"),
                Duration.ofMinutes(2));
        assertEquals("completed", r.getString("status"), r.prettify());

        expect(
                misses,
                i,
                "ask for the fresh preview to become production",
                201,
                Stack.api("alice")
                        .contentType("application/json")
                        .body(Map.of(
                                "preview_id",
                                r.getString("preview_id"),
                                "external_ticket_ref",
                                "RYW-" + i,
                                "customer_note",
                                "read-your-writes"))
                        .post("/v1/projects/{id}/cutover-requests", project));

        Stack.api("alice").delete("/v1/projects/{id}", project).then().statusCode(204);
        expect(misses, i, "read the deleted project", 404, Stack.api("alice").get("/v1/projects/{id}", project));
        for (String resource : PROJECT_SCOPED) {
            expect(
                    misses,
                    i,
                    "list " + resource + " of the deleted project",
                    404,
                    Stack.api("alice").get("/v1/projects/{id}/" + resource, project));
        }
    }

    /**
     * A project's status comes back in two hops: a restore over production or an import announces its end, then
     * project-service announces the project active again. A client that saw the job {@code completed} and starts the
     * next one at once must not be told the project is still busy.
     */
    @Test
    void theNextJobIsAcceptedTheMomentAnOverwriteOrImportCompleted() throws Exception {
        int rounds = LONG ? 20 : 4;
        List<String> misses = new ArrayList<>();
        String source = Jobs.newProject("ryw-src");
        Jobs.fillItems(source, 50);
        String sourceUrl = Jobs.databaseUrl(source) + "?sslmode=disable"; // the local hosts have no TLS
        String project = Jobs.newProject("ryw-status");
        String key = itemsBackedUp(project);
        for (int i = 1; i <= rounds; i++) {
            Response overwrite = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                    .post("/v1/projects/{id}/restores", project);
            if (expect(misses, i, "overwrite production right after an import completed", 202, overwrite)) {
                JsonPath r = Jobs.awaitRestore(
                        project,
                        overwrite.path("id"),
                        j -> !j.getString("status").matches("pending|running"),
                        Duration.ofMinutes(2));
                assertEquals("completed", r.getString("status"), r.prettify());
            }
            Response backup = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("label", "after"))
                    .post("/v1/projects/{id}/backups", project);
            if (expect(misses, i, "back up right after the overwrite completed", 202, backup)) {
                JsonPath b = Jobs.awaitBackup(project, backup.path("id"));
                assertEquals("completed", b.getString("status"), b.prettify());
            }
            Response imported = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("source_url", sourceUrl, "recreate", true))
                    .post("/v1/projects/{id}/imports", project);
            if (expect(misses, i, "import right after the backup completed", 202, imported)) {
                JsonPath m = Jobs.awaitImport(project, imported.path("id"));
                assertEquals("completed", m.getString("status"), m.prettify());
            }
        }
        System.out.printf("read-your-writes (status): %d rounds, %d misses%n", rounds, misses.size());
        assertTrue(misses.isEmpty(), misses.size() + " misses:\n" + String.join("\n", misses));
    }

    /** A preview deleted an instant ago is refused by cutover-service on the very next call, never promoted. */
    @Test
    void aDeletedPreviewIsRefusedByTheNextCutoverRequest() throws Exception {
        int rounds = LONG ? 10 : 3;
        List<String> misses = new ArrayList<>();
        String project = Jobs.newProject("ryw-preview");
        String key = itemsBackedUp(project);
        for (int i = 1; i <= rounds; i++) {
            String preview = Jobs.previewOf(project, key);
            expect(
                    misses,
                    i,
                    "extend the fresh preview",
                    200,
                    Stack.api("alice")
                            .contentType("application/json")
                            .body(Map.of("ttl_hours", 4))
                            .patch("/v1/projects/{id}/previews/{p}", project, preview));
            expect(
                    misses,
                    i,
                    "delete it",
                    204,
                    Stack.api("alice").delete("/v1/projects/{id}/previews/{p}", project, preview));
            // cutover-service knows it is deleted: 409 preview_not_ready, never a request on it.
            expect(
                    misses,
                    i,
                    "ask to promote the deleted preview",
                    409,
                    Stack.api("alice")
                            .contentType("application/json")
                            .body(Map.of("preview_id", preview, "external_ticket_ref", "RYW"))
                            .post("/v1/projects/{id}/cutover-requests", project));
        }
        Stack.api("alice").delete("/v1/projects/{id}", project).then().statusCode(204);
        System.out.printf("read-your-writes (previews): %d rounds, %d misses%n", rounds, misses.size());
        assertTrue(misses.isEmpty(), misses.size() + " misses:\n" + String.join("\n", misses));
    }

    /** Gives the project 10 items and a completed backup of them; returns its key. */
    private static String itemsBackedUp(String project) throws Exception {
        Jobs.fillItems(project, 10);
        return Jobs.completedBackup(project).getString("backup_key");
    }

    private static boolean expect(List<String> misses, int round, String what, int status, Response r) {
        if (r.statusCode() == status) {
            return true;
        }
        misses.add("round " + round + ": " + what + ": " + r.statusCode() + " (wanted " + status + ") " + r.asString());
        return false;
    }
}
