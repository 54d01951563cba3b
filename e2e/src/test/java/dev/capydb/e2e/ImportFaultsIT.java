package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Imports under strain: many valid dumps of every size uploaded and imported in a row (none may be rejected by our
 * own plumbing), an upload the client abandons half way, and a live source that drops the connection mid-load
 * (the job fails, the target keeps its rows, and the failure reaches the customer's webhook).
 */
@Tag("faults")
@ExtendWith(ContractGate.class)
class ImportFaultsIT {

    private static final boolean LONG = "long".equals(Stack.env("CAPYDB_FAULTS", "short"));

    private final List<String> projects = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        for (String p : projects) {
            Stack.api("alice").delete("/v1/projects/{id}", p);
        }
    }

    @Test
    void validDumpsOfEverySizeAreAllImported() throws Exception {
        // One source grown step by step, dumped in both formats at each size: 1 KB ... 50 MB.
        String source = project("imp-sizes-src");
        String url = Jobs.databaseUrl(source);
        Stack.psql(url, "CREATE TABLE t (id bigint PRIMARY KEY, v text)");
        record Dump(Path file, boolean custom, long rows) {}
        List<Dump> dumps = new ArrayList<>();
        long rows = 0;
        for (long target : new long[] {5, 2_000, 20_000, 200_000, 800_000}) {
            Stack.psql(
                    url,
                    "INSERT INTO t SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(" + (rows + 1)
                            + ", " + target + ") g");
            rows = target;
            for (boolean custom : new boolean[] {true, false}) {
                Path f = Files.createTempFile("capydb-import-size", custom ? ".dump" : ".sql");
                files.add(f);
                run("pg_dump", custom ? "-Fc" : "-Fp", "--no-owner", "--no-acl", "-d", url, "-f", f.toString());
                dumps.add(new Dump(f, custom, rows));
            }
        }
        String target = project("imp-sizes-dst");
        int imports = LONG ? 200 : 30;
        List<String> failures = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < imports; i++) {
            Dump d = dumps.get(i % dumps.size());
            bytes += Files.size(d.file());
            JsonPath done = Jobs.awaitImport(target, importUpload(target, d.file(), true));
            if (!"completed".equals(done.getString("status"))) {
                failures.add("import " + i + " of " + Files.size(d.file()) + " bytes ("
                        + (d.custom() ? "custom" : "plain") + "): " + done.getString("error"));
            } else if (!String.valueOf(d.rows())
                    .equals(Stack.psql(Jobs.databaseUrl(target), "SELECT count(*) FROM t"))) {
                failures.add("import " + i + ": the rows are not the dump's");
            }
        }
        System.out.printf(
                "faults: upload_imports=%d sizes=%d..%d bytes_total=%d failed=%d%n",
                imports,
                Files.size(dumps.get(0).file()),
                Files.size(dumps.get(dumps.size() - 1).file()),
                bytes,
                failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anUploadAbandonedHalfWayIsRefusedAndChangesNothing() throws Exception {
        Path dump = dumpOf(projectWithRows("imp-abort-src", 50_000), "-Fc");
        String target = projectWithRows("imp-abort-dst", 10);
        String before = Jobs.rowHashes(Jobs.databaseUrl(target), "items");

        JsonPath slot = slot(target, dump);
        putHalf(slot.getString("upload_url"), Files.readAllBytes(dump));
        Response started = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("upload_id", slot.getString("upload_id"), "recreate", true))
                .post("/v1/projects/{id}/imports", target);
        String outcome;
        if (started.statusCode() == 202) {
            // Storage kept the partial object: the load refuses it as a dump.
            JsonPath done = Jobs.awaitImport(target, started.path("id"));
            assertEquals("failed", done.getString("status"), done.prettify());
            outcome = "failed: " + done.getString("error");
        } else {
            assertEquals(422, started.statusCode(), started.asString());
            outcome = started.path("code");
        }
        System.out.printf("faults: upload_abandoned_at=50%% outcome=%s%n", outcome);
        assertEquals(before, Jobs.rowHashes(Jobs.databaseUrl(target), "items"), "the target is unchanged");
    }

    @Test
    void aSourceThatDropsTheConnectionMidLoadFailsTheImportAndTheWebhookSaysSo() throws Exception {
        String source = projectWithRows("imp-drop-src", 2_000_000);
        String sourceDb = Stack.psql(Jobs.databaseUrl(source), "SELECT current_database()");
        String target = projectWithRows("imp-drop-dst", 10);
        String before = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of(
                            "url",
                            "http://127.0.0.1:" + receiver.port() + "/hook",
                            "event_types",
                            List.of("job.failed", "import.failed")))
                    .post("/v1/projects/{id}/webhooks", target)
                    .then()
                    .statusCode(201);
            String importId = Stack.api("alice")
                    .contentType("application/json")
                    // The local hosts have no TLS: the source opts out of the sslmode=require the service would add.
                    .body(Map.of("source_url", Jobs.databaseUrl(source) + "?sslmode=disable", "recreate", true))
                    .post("/v1/projects/{id}/imports", target)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            // Once the rows are flowing, the source goes away under the import's pg_dump.
            Jobs.await(
                    () -> Stack.api("alice").get("/v1/projects/{id}/imports/{i}", target, importId),
                    x -> "loading".equals(x.getString("phase"))
                            || !x.getString("status").matches("pending|running"),
                    Duration.ofMinutes(1));
            AtomicReference<String> ended = new AtomicReference<>("0");
            // Polled often: the import's connections must be caught while its pg_dump still reads.
            Waits.within(
                    Waits.await("the import's source connections are ended", Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(20)),
                    () -> {
                        ended.set(Stack.psql(
                                Jobs.hostAdminUrl(),
                                "SELECT count(pg_terminate_backend(pid)) FROM "
                                        + "pg_stat_activity WHERE datname = '" + sourceDb + "'"
                                        + " AND application_name = 'capydb-import'"));
                        return !ended.get().equals("0");
                    });
            String killed = ended.get();
            JsonPath done = Jobs.awaitImport(target, importId);
            String after = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
            boolean scratchLeft = !Stack.psql(
                            Jobs.hostAdminUrl(),
                            "SELECT count(*) FROM pg_database WHERE datname = 'im_" + importId.replace("-", "") + "'")
                    .equals("0");
            Waits.within(
                    Duration.ofSeconds(60),
                    "the failed import's webhook is delivered",
                    () -> receiver.jobs().contains(importId));
            System.out.printf(
                    "faults: source_connections_ended=%s import=%s target_unchanged=%b webhook_delivered=%b"
                            + " error=\"%s\"%n",
                    killed,
                    done.getString("status"),
                    before.equals(after),
                    receiver.jobs().contains(importId),
                    done.getString("error"));
            assertTrue(Integer.parseInt(killed) > 0, "the import's pg_dump never reached the source");
            assertEquals("failed", done.getString("status"), done.prettify());
            assertTrue(
                    done.getString("error") != null && !done.getString("error").isBlank(), done.prettify());
            assertEquals(before, after, "the target keeps its rows");
            assertTrue(!scratchLeft, "the scratch database of the failed load is dropped");
            assertTrue(receiver.jobs().contains(importId), "the failure was delivered to the webhook");
        }
    }

    @Test
    void theObjectStoreKilledDuringAnUploadImportFailsItAndChangesNothing() throws Exception {
        Path dump = dumpOf(projectWithRows("imp-s3-src", 1_500_000), "-Fp");
        String target = projectWithRows("imp-s3-dst", 10);
        String before = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
        String importId = importUpload(target, dump, true);
        JsonPath done;
        try {
            Jobs.await(
                    () -> Stack.api("alice").get("/v1/projects/{id}/imports/{i}", target, importId),
                    x -> "loading".equals(x.getString("phase"))
                            || !x.getString("status").matches("pending|running"),
                    Duration.ofMinutes(1));
            // Killed, not stopped: a stopping s3proxy lets the download in flight finish.
            StackControl.crash("s3proxy");
            done = Jobs.awaitImport(target, importId);
        } finally {
            StackControl.up();
        }
        String after = Jobs.rowHashes(Jobs.databaseUrl(target), "items");
        boolean scratchLeft = !Stack.psql(
                        Jobs.hostAdminUrl(),
                        "SELECT count(*) FROM pg_database WHERE datname = 'im_" + importId.replace("-", "") + "'")
                .equals("0");
        System.out.printf(
                "faults: s3_killed_during_upload_import import=%s scratch_left=%b target_identical=%b%n",
                done.getString("status"), scratchLeft, before.equals(after));
        assertTrue(done.getString("status").matches("completed|failed"), done.prettify());
        assertTrue(!scratchLeft, "the import's scratch database is dropped");
        if ("failed".equals(done.getString("status"))) {
            assertTrue(
                    done.getString("error") != null && !done.getString("error").isBlank(), done.prettify());
            assertEquals(before, after, "a failed import leaves the target as it was");
        } else {
            // The object was read whole before storage went away: then the target holds the whole dump.
            assertEquals("1500000", Stack.psql(Jobs.databaseUrl(target), "SELECT count(*) FROM items"));
        }
    }

    private String project(String prefix) {
        String id = Jobs.newProject(prefix);
        projects.add(id);
        return id;
    }

    private String projectWithRows(String prefix, int rows) throws Exception {
        String id = project(prefix);
        Jobs.fillItems(id, rows);
        return id;
    }

    /** A pg_dump of the project in {@code format} ({@code -Fc} or {@code -Fp}), in a file removed after the test. */
    private Path dumpOf(String project, String format) throws Exception {
        Path dump = Files.createTempFile("capydb-import-fault", "-Fc".equals(format) ? ".dump" : ".sql");
        files.add(dump);
        run("pg_dump", format, "--no-owner", "--no-acl", "-d", Jobs.databaseUrl(project), "-f", dump.toString());
        return dump;
    }

    private static JsonPath slot(String project, Path file) throws Exception {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("filename", file.getFileName().toString(), "size_bytes", Files.size(file)))
                .post("/v1/projects/{id}/imports/uploads", project)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** Uploads with curl -T, as the product's docs show; returns the new import's id. */
    private static String importUpload(String project, Path file, boolean recreate) throws Exception {
        JsonPath slot = slot(project, file);
        run("curl", "-sS", "--fail", "-T", file.toString(), slot.getString("upload_url"));
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("upload_id", slot.getString("upload_id"), "recreate", recreate))
                .post("/v1/projects/{id}/imports", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** A PUT that announces the whole body, sends half of it, and hangs up. */
    private static void putHalf(String presigned, byte[] body) throws Exception {
        URI u = URI.create(presigned);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + u.getRawPath() + "?" + u.getRawQuery() + " HTTP/1.1\r\nHost: " + u.getHost() + ":"
                            + u.getPort() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, command[0] + " failed: " + out);
    }
}
