package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Backups, restores and cutover requests through the gateway as alice, waited for; the project's and host's
 * connection URLs.
 */
final class Jobs {

    private Jobs() {}

    static String databaseUrl(String project) {
        return Stack.api("alice")
                .get("/v1/projects/{id}/connection", project)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    static String hostAdminUrl() {
        return "postgresql://postgres:" + Stack.env("CAPYDB_HOST_ADMIN_PASSWORD", "capydb-admin") + "@127.0.0.1:"
                + Stack.env("CAPYDB_HOST1_PORT", "15433") + "/postgres";
    }

    /** One hash per table over its rows in key order: equal output means byte-identical contents. */
    static String rowHashes(String url, String... tables) throws Exception {
        StringBuilder sql = new StringBuilder("SELECT ''");
        for (String t : tables) {
            sql.append(" || ' ")
                    .append(t)
                    .append(":' || coalesce((SELECT md5(string_agg(x::text, ',' ORDER BY id)) FROM ")
                    .append(t)
                    .append(" x), '-')");
        }
        return Stack.psql(url, sql.toString());
    }

    /** A new project of alice's, named {@code <prefix>-<random>}. */
    static String newProject(String prefix) {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of(
                        "name",
                        prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Gives the project's database a table {@code items} of {@code rows} rows. */
    static void fillItems(String project, int rows) throws Exception {
        Stack.psql(
                databaseUrl(project),
                "CREATE TABLE items (id int PRIMARY KEY, v text);"
                        + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, " + rows + ") g");
    }

    /** Asks for a backup; accepted at once, however new the project (the API acknowledged it). */
    static String postBackup(String project, String label) {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("label", label))
                .post("/v1/projects/{id}/backups", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** A completed backup; every service may be asked about it at once. */
    static JsonPath completedBackup(String project) throws InterruptedException {
        JsonPath b = awaitBackup(project, postBackup(project, "faults"));
        assertEquals("completed", b.getString("status"), b.prettify());
        return b;
    }

    /** Waits for {@code backupId} (or, when null, for every backup of the project) to finish. */
    static JsonPath awaitBackup(String project, String backupId) throws InterruptedException {
        if (backupId == null) {
            Waits.until(
                    Duration.ofMinutes(2),
                    "every backup of " + project + " finishes",
                    () -> Stack.api("alice")
                            .get("/v1/projects/{id}/backups", project)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .<String>getList("items.status"),
                    statuses -> statuses.stream().noneMatch(s -> "pending".equals(s) || "running".equals(s)));
            return null;
        }
        return awaitBackupWhere(
                project, backupId, b -> !b.getString("status").matches("pending|running"), Duration.ofMinutes(3));
    }

    static JsonPath awaitBackupWhere(String project, String backupId, Predicate<JsonPath> done, Duration timeout)
            throws InterruptedException {
        return await(() -> Stack.api("alice").get("/v1/projects/{id}/backups/{b}", project, backupId), done, timeout);
    }

    /** Waits until the import has ended (completed or failed). */
    static JsonPath awaitImport(String project, String importId) throws InterruptedException {
        return await(
                () -> Stack.api("alice").get("/v1/projects/{id}/imports/{i}", project, importId),
                x -> !x.getString("status").matches("pending|running"),
                Duration.ofMinutes(5));
    }

    static JsonPath awaitRestore(String project, String restoreId, Predicate<JsonPath> done, Duration timeout)
            throws InterruptedException {
        return await(() -> Stack.api("alice").get("/v1/projects/{id}/restores/{r}", project, restoreId), done, timeout);
    }

    static JsonPath await(java.util.function.Supplier<Response> get, Predicate<JsonPath> done, Duration timeout)
            throws InterruptedException {
        // Polled often: some callers wait for a phase that lasts only moments.
        String awaited = "the job's awaited state";
        return Waits.until(
                Waits.await(awaited, timeout).pollInterval(Duration.ofMillis(20)),
                awaited,
                () -> {
                    Response r;
                    try {
                        r = get.get();
                    } catch (RuntimeException unreachable) {
                        return null; // the gateway or the service is restarting
                    }
                    if (r.statusCode() == 200) {
                        return r.jsonPath();
                    } else if (r.statusCode() < 500) {
                        // Only a service that is restarting (5xx from the gateway) is waited out; anything else the
                        // API said about a job it acknowledged is an answer, and a wrong one.
                        throw new AssertionError("the job was answered " + r.statusCode() + ": " + r.asString());
                    }
                    return null;
                },
                done,
                JsonPath::prettify);
    }

    /** Restores {@code backupKey} into a new preview (2 h TTL) and waits for it; returns the preview's id. */
    static String previewOf(String project, String backupKey) throws InterruptedException {
        Response restore = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("backup_key", backupKey, "ttl_hours", 2))
                .post("/v1/projects/{id}/restores", project);
        restore.then().statusCode(202);
        JsonPath r = awaitRestore(
                project,
                restore.path("id"),
                j -> !j.getString("status").matches("pending|running"),
                Duration.ofMinutes(2));
        assertEquals("completed", r.getString("status"), r.prettify());
        return r.getString("preview_id");
    }

    /** alice asks for {@code preview} to become production. */
    static String requestCutover(String project, String preview, String ticket) {
        Response created = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("preview_id", preview, "external_ticket_ref", ticket, "customer_note", "e2e promotion"))
                .post("/v1/projects/{id}/cutover-requests", project);
        created.then().statusCode(201);
        return created.path("id");
    }

    /** Waits until the cutover request is completed, failed or rejected. */
    static JsonPath awaitCutover(String project, String id) throws InterruptedException {
        return await(
                () -> Stack.api("alice").get("/v1/projects/{id}/cutover-requests/{r}", project, id),
                c -> c.getString("status").matches("completed|failed|rejected"),
                Duration.ofMinutes(4));
    }

    /** Lets a span of time pass that is the scenario itself (an outage, a pace), never as a wait for something. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
