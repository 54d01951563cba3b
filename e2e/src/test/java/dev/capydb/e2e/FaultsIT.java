package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against the running stack: a broker that dies and comes back, a restore worker killed in the
 * middle of a production overwrite, the object store stopped during an upload, a backup object changed in storage,
 * and fifty overwrites at once. Each test prints its figures as one {@code faults:} line and leaves every service
 * ready again. {@code dev/test} runs the short version; {@code dev/test --faults} ({@code CAPYDB_FAULTS=long}) the
 * long one (three broker restarts over 2,000 events; the worker killed at 25, 50 and 75 %).
 */
@Tag("faults")
class FaultsIT {

    private static final boolean LONG = "long".equals(Stack.env("CAPYDB_FAULTS", "short"));
    private static final Pattern JOB_ID = Pattern.compile("\"job_id\":\"([0-9a-f-]{36})\"");

    private final List<String> projects = new ArrayList<>();

    @AfterEach
    void mend() throws Exception {
        StackControl.up();
        for (String p : projects) {
            Stack.api("alice").delete("/v1/projects/{id}", p);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kafka broker killed and restarted while lifecycle events flow.

    @Test
    void brokerRestartsLoseNoEventAndDoubleNoSideEffect() throws Exception {
        int events = LONG ? 2000 : 300;
        int restarts = LONG ? 3 : 1;
        String project = project("faults-kafka");
        try (Receiver receiver = new Receiver()) {
            // webhook-service learns of the new project from capydb.projects: give it a moment.
            long known = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Stack.api("alice").contentType("application/json").body(Map.of("url", "http://127.0.0.1:"
                    + receiver.port() + "/hook", "event_types", List.of("job.completed")))
                    .post("/v1/projects/{id}/webhooks", project).statusCode() != 201) {
                assertTrue(System.nanoTime() < known, "webhook-service never learned of the project");
                sleep(250);
            }

            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + Stack.env("CAPYDB_KAFKA_PORT", "9092"));
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
            Set<String> sent = ConcurrentHashMap.newKeySet();
            AtomicInteger restarted = new AtomicInteger();
            ExecutorService chaos = Executors.newSingleThreadExecutor();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                // Job events on capydb.webhooks: only webhook-service reads that topic, so no other service acts
                // on these jobs; each becomes an audit row and one signed delivery (the side effects counted).
                Duration spread = Duration.ofSeconds(LONG ? 60 : 20);
                Future<?> killer = chaos.submit(() -> {
                    for (int i = 0; i < restarts; i++) {
                        sleep(spread.toMillis() / (restarts + 1));
                        StackControl.crash("kafka");
                        StackControl.up();
                        restarted.incrementAndGet();
                    }
                    return null;
                });
                long start = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    long due = start + spread.toNanos() * i / events;
                    sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                    String job = UUID.randomUUID().toString();
                    sent.add(job);
                    producer.send(new ProducerRecord<>("capydb.webhooks", project, jobCompleted(project, job)));
                }
                producer.flush();
                killer.get();
            } finally {
                chaos.shutdownNow();
            }

            receiver.await(r -> r.distinct() >= events, Duration.ofMinutes(LONG ? 6 : 3));
            sleep(3000);   // a late duplicate would arrive now
            Set<String> received = receiver.jobs();
            long lost = sent.stream().filter(j -> !received.contains(j)).count();
            int duplicated = receiver.requests() - receiver.distinct();
            int audited = countAudit(project, "job.completed");
            System.out.printf("faults: broker_restarts=%d events=%d lost=%d duplicated_effects=%d audit_rows=%d%n",
                    restarted.get(), events, lost, duplicated, audited);
            assertEquals(restarts, restarted.get());
            assertEquals(0, lost, "every event is delivered");
            assertEquals(0, duplicated, "one delivery per event and endpoint");
            assertEquals(events, audited, "one audit row per event");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The restore worker killed in the middle of a production overwrite.

    @Test
    void aKilledRestoreWorkerLeavesProductionByteIdentical() throws Exception {
        String project = project("faults-restore");
        String url = databaseUrl(project);
        Stack.psql(url, "CREATE TABLE items (id int primary key, v text);"
                + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1500000) g;"
                + " CREATE TABLE notes (id int primary key, body text); INSERT INTO notes VALUES (1, 'first')");
        JsonPath backup = completedBackup(project);
        Stack.psql(url, "INSERT INTO notes VALUES (2, 'written after the backup')");
        List<Integer> percents = LONG ? List.of(25, 50, 75) : List.of(50);
        for (int percent : percents) {
            String before = rowHashes(url, "items", "notes");
            Response started = Stack.api("alice").contentType("application/json")
                    .body(Map.of("backup_key", backup.getString("backup_key"), "target_kind", "project",
                            "confirm_project_overwrite", true))
                    .post("/v1/projects/{id}/restores", project);
            started.then().statusCode(202);
            String restore = started.path("id");
            long size = backup.getLong("size_bytes");
            JsonPath at = awaitRestore(project, restore, r -> "loading".equals(r.getString("phase"))
                    && r.getLong("bytes_done") >= size * percent / 100, Duration.ofMinutes(2));
            StackControl.crash("restore-service");
            StackControl.up();
            JsonPath done = awaitRestore(project, restore, r -> r.getString("status").matches("completed|failed"),
                    Duration.ofMinutes(2));
            String after = rowHashes(url, "items", "notes");
            String scratch = "rs_" + restore.replace("-", "");
            boolean orphan = !Stack.psql(hostAdminUrl(), "SELECT count(*) FROM pg_database WHERE datname = '"
                    + scratch + "'").equals("0");
            // The project is usable again once restore.failed has reached the other services (events: a moment).
            long failedAt = System.nanoTime();
            int lockProbe;
            while ((lockProbe = Stack.api("alice").contentType("application/json").body(Map.of("label", "after-kill"))
                    .post("/v1/projects/{id}/backups", project).statusCode()) == 409
                    && System.nanoTime() - failedAt < Duration.ofSeconds(30).toNanos()) {
                sleep(200);
            }
            long usableAfterMs = (System.nanoTime() - failedAt) / 1_000_000;
            System.out.printf("faults: restore_killed_at_pct=%d bytes_done=%d of %d status=%s production_identical=%b"
                            + " orphan_scratch=%b backup_after_kill=%d usable_again_after_ms=%d%n", percent, at.getLong("bytes_done"),
                    size, done.getString("status"), before.equals(after), orphan, lockProbe, usableAfterMs);
            assertEquals("failed", done.getString("status"), done.prettify());
            assertFalse(done.getString("error") == null || done.getString("error").isBlank(), "a reason is given");
            assertEquals(before, after, "production is byte-identical");
            assertFalse(orphan, "no scratch database is left behind");
            assertEquals(202, lockProbe, "the project lock was released");
            awaitBackup(project, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The object store stopped while a backup uploads.

    @Test
    void s3DownDuringABackupFailsItCleanlyAndALaterBackupSucceeds() throws Exception {
        String project = project("faults-s3");
        // Incompressible rows, so the dump is large enough to be caught while it uploads.
        Stack.psql(databaseUrl(project), "CREATE TABLE blobs AS SELECT g AS id,"
                + " (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 8)) || g AS v"
                + " FROM generate_series(1, 300000) g");
        String backupId = postBackup(project, "s3-down");
        JsonPath running = awaitBackupWhere(project, backupId, b -> !"pending".equals(b.getString("status")),
                Duration.ofMinutes(1));
        sleep(300);
        StackControl.stop("s3proxy");
        JsonPath failed;
        try {
            failed = awaitBackupWhere(project, backupId, b -> !b.getString("status").matches("pending|running"),
                    Duration.ofMinutes(3));
        } finally {
            StackControl.up();
        }
        String key = failed.getString("backup_key");
        boolean objectLeft = key != null && Files.exists(StackControl.objectFile("capydb-backups", key));
        JsonPath later = awaitBackup(project, postBackup(project, "after-s3-came-back"));
        System.out.printf("faults: s3_stopped_during=%s backup_status=%s completed_object_left=%b later_backup=%s%n",
                running.getString("status"), failed.getString("status"), objectLeft, later.getString("status"));
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertFalse(failed.getString("error") == null || failed.getString("error").isBlank());
        assertFalse(objectLeft, "no object is left for a failed backup");
        assertEquals("completed", later.getString("status"), later.prettify());
        assertTrue(Files.exists(StackControl.objectFile("capydb-backups", later.getString("backup_key"))));
    }

    // ---------------------------------------------------------------------------------------------------------
    // A stored backup object changed by one byte.

    @Test
    void aBackupCorruptedInStorageNeverOverwritesProduction() throws Exception {
        String project = project("faults-corrupt");
        String url = databaseUrl(project);
        Stack.psql(url, "CREATE TABLE items (id int primary key, v text);"
                + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        JsonPath backup = completedBackup(project);
        Stack.psql(url, "INSERT INTO items VALUES (0, 'production moved on')");
        String before = rowHashes(url, "items");
        Path object = StackControl.objectFile("capydb-backups", backup.getString("backup_key"));
        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        Response started = Stack.api("alice").contentType("application/json")
                .body(Map.of("backup_key", backup.getString("backup_key"), "target_kind", "project",
                        "confirm_project_overwrite", true))
                .post("/v1/projects/{id}/restores", project);
        started.then().statusCode(202);
        JsonPath done = awaitRestore(project, started.path("id"),
                r -> r.getString("status").matches("completed|failed"), Duration.ofMinutes(2));
        String after = rowHashes(url, "items");
        System.out.printf("faults: corrupted_byte=1 restore_status=%s production_identical=%b error=\"%s\"%n",
                done.getString("status"), before.equals(after), done.getString("error"));
        assertEquals("failed", done.getString("status"));
        assertEquals(before, after, "production is byte-identical");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fifty overwrites of one project at once.

    @Test
    void ofFiftyConcurrentOverwritesExactlyOneRuns() throws Exception {
        String project = project("faults-busy");
        // Enough rows that the one accepted overwrite is still running when the last request arrives.
        Stack.psql(databaseUrl(project), "CREATE TABLE items (id int primary key, v text);"
                + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 300000) g");
        String key = completedBackup(project).getString("backup_key");
        Stack.token("alice");
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return Stack.api("alice").contentType("application/json")
                        .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                        .post("/v1/projects/{id}/restores", project);
            }));
        }
        go.countDown();
        int accepted = 0;
        int busy = 0;
        List<String> other = new ArrayList<>();
        String acceptedId = null;
        for (Future<Response> f : calls) {
            Response r = f.get();
            if (r.statusCode() == 202) {
                accepted++;
                acceptedId = r.path("id");
            } else if (r.statusCode() == 409 && "project_busy".equals(r.path("code"))) {
                busy++;
            } else {
                other.add(r.statusCode() + " " + r.asString());
            }
        }
        pool.shutdown();
        System.out.printf("faults: concurrent_overwrites=%d accepted=%d project_busy=%d other=%d%n", n, accepted, busy,
                other.size());
        assertEquals(1, accepted, "exactly one overwrite runs; others: " + other);
        assertEquals(n - 1, busy, "the rest are refused as project_busy: " + other);
        JsonPath done = awaitRestore(project, acceptedId, r -> r.getString("status").matches("completed|failed"),
                Duration.ofMinutes(2));
        assertEquals("completed", done.getString("status"), done.prettify());
    }

    // ---------------------------------------------------------------------------------------------------------

    private String project(String prefix) {
        String id = Stack.api("alice").contentType("application/json")
                .body(Map.of("name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects").then().statusCode(201).extract().path("id");
        projects.add(id);
        return id;
    }

    private static String databaseUrl(String project) {
        return Stack.api("alice").get("/v1/projects/{id}/connection", project).then().statusCode(200)
                .extract().path("database_url");
    }

    private static String hostAdminUrl() {
        return "postgresql://postgres:" + Stack.env("CAPYDB_HOST_ADMIN_PASSWORD", "capydb-admin") + "@127.0.0.1:"
                + Stack.env("CAPYDB_HOST1_PORT", "15433") + "/postgres";
    }

    /** One hash per table over its rows in key order: equal output means byte-identical contents. */
    private static String rowHashes(String url, String... tables) throws Exception {
        StringBuilder sql = new StringBuilder("SELECT ''");
        for (String t : tables) {
            sql.append(" || ' ").append(t).append(":' || coalesce((SELECT md5(string_agg(x::text, ',' ORDER BY id)) FROM ")
                    .append(t).append(" x), '-')");
        }
        return Stack.psql(url, sql.toString());
    }

    private static String postBackup(String project, String label) throws InterruptedException {
        // backup-service learns of a new project from capydb.projects: give it a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Response r = Stack.api("alice").contentType("application/json").body(Map.of("label", label))
                    .post("/v1/projects/{id}/backups", project);
            if (r.statusCode() == 202) {
                return r.path("id");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("backup not accepted: " + r.statusCode() + " " + r.asString());
            }
            sleep(250);
        }
    }

    /** A completed backup that restore-service knows of too (it learns of backups from capydb.backups). */
    private static JsonPath completedBackup(String project) throws InterruptedException {
        JsonPath b = awaitBackup(project, postBackup(project, "faults"));
        assertEquals("completed", b.getString("status"), b.prettify());
        // A restore point naming the backup is accepted once restore-service has the backup: a harmless probe.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Stack.api("alice").contentType("application/json").body(Map.of("label", "known-" + b.getString("id"),
                "kind", "backup", "backup_key", b.getString("backup_key")))
                .post("/v1/projects/{id}/restore-points", project).statusCode() != 201) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("restore-service never learned of backup " + b.getString("id"));
            }
            sleep(200);
        }
        return b;
    }

    /** Waits for {@code backupId} (or, when null, for every backup of the project) to finish. */
    private static JsonPath awaitBackup(String project, String backupId) throws InterruptedException {
        if (backupId == null) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && Stack.api("alice").get("/v1/projects/{id}/backups", project)
                    .then().statusCode(200).extract().jsonPath().getList("items.status").stream()
                    .anyMatch(s -> "pending".equals(s) || "running".equals(s))) {
                sleep(300);
            }
            return null;
        }
        return awaitBackupWhere(project, backupId, b -> !b.getString("status").matches("pending|running"),
                Duration.ofMinutes(3));
    }

    private static JsonPath awaitBackupWhere(String project, String backupId, Predicate<JsonPath> done,
                                             Duration timeout) throws InterruptedException {
        return await(() -> Stack.api("alice").get("/v1/projects/{id}/backups/{b}", project, backupId), done, timeout);
    }

    private static JsonPath awaitRestore(String project, String restoreId, Predicate<JsonPath> done, Duration timeout)
            throws InterruptedException {
        return await(() -> Stack.api("alice").get("/v1/projects/{id}/restores/{r}", project, restoreId), done, timeout);
    }

    private static JsonPath await(java.util.function.Supplier<Response> get, Predicate<JsonPath> done,
                                  Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            Response r;
            try {
                r = get.get();
            } catch (RuntimeException unreachable) {
                sleep(200);   // the gateway or the service is restarting
                continue;
            }
            if (r.statusCode() == 200) {
                last = r.jsonPath();
                if (done.test(last)) {
                    return last;
                }
            }
            sleep(20);
        }
        throw new AssertionError("not reached within " + timeout + "; last seen: "
                + (last == null ? "nothing" : last.prettify()));
    }

    private static int countAudit(String project, String type) throws InterruptedException {
        int total = 0;
        String cursor = null;
        do {
            var req = Stack.api("alice").queryParam("type", type).queryParam("limit", 100);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/v1/projects/{id}/audit-events", project).then().statusCode(200)
                    .extract().jsonPath();
            total += page.getList("items").size();
            cursor = page.getString("next_cursor");
        } while (cursor != null && !cursor.isBlank());
        return total;
    }

    private static String jobCompleted(String project, String job) {
        String now = Instant.now().toString();
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"job.completed\",\"source\":\"faults\",\"time\":\"" + now
                + "\",\"org_id\":\"acme\",\"project_id\":\"" + project + "\",\"correlation_id\":null,\"data\":{"
                + "\"job_id\":\"" + job + "\",\"job_kind\":\"faults\",\"status\":\"completed\",\"resource_id\":\""
                + job + "\",\"error\":null,\"started_at\":\"" + now + "\",\"completed_at\":\"" + now + "\"}}";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A webhook receiver on plain sockets (keep-alive HTTP/1.1, a thread per connection) that answers 204 and
     * counts requests per job: the side effects of the events.
     */
    static final class Receiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        private final Map<String, AtomicInteger> perJob = new ConcurrentHashMap<>();
        private final AtomicInteger requests = new AtomicInteger();

        Receiver() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket conn = server.accept();
                        Thread t = new Thread(() -> serve(conn));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int requests() {
            return requests.get();
        }

        int distinct() {
            return perJob.size();
        }

        Set<String> jobs() {
            return Set.copyOf(perJob.keySet());
        }

        void await(Predicate<Receiver> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(this)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the receiver got " + distinct() + " distinct events within " + timeout);
                }
                sleep(100);
            }
        }

        private void serve(Socket conn) {
            try (conn; InputStream in = new BufferedInputStream(conn.getInputStream());
                 OutputStream out = conn.getOutputStream()) {
                while (true) {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    int length = 0;
                    while (!(line = readLine(in)).isEmpty()) {
                        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    Matcher m = JOB_ID.matcher(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    if (m.find()) {
                        requests.incrementAndGet();
                        perJob.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
                    }
                    out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | NullPointerException closed) {
                // the sender closed the connection
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != -1; ) {
                if (c == '\n') {
                    return b.toString();
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.length() == 0 ? null : b.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
