package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.RandomAccessFile;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault injection against the running stack: a broker that dies and comes back, a restore worker killed in the
 * middle of a production overwrite, the object store stopped during an upload, a backup object changed in storage,
 * and fifty overwrites at once. Each test prints its figures as one {@code faults:} line and leaves every service
 * ready again. {@code dev/test} runs the short version; {@code dev/test --faults} ({@code CAPYDB_FAULTS=long}) the
 * long one (three broker restarts over 2,000 events; the worker killed at 25, 50 and 75 %).
 */
@Tag("faults")
@ExtendWith(ContractGate.class)
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
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of(
                            "url",
                            "http://127.0.0.1:" + receiver.port() + "/hook",
                            "event_types",
                            List.of("job.completed")))
                    .post("/v1/projects/{id}/webhooks", project)
                    .then()
                    .statusCode(201);

            Properties props = Stack.kafkaProducer(Stack.TEST_KAFKA_USER);
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
                        // Not a wait: the restarts are spread over the sending, the scenario's own timetable.
                        Jobs.sleep(spread.toMillis() / (restarts + 1));
                        StackControl.crash("kafka");
                        StackControl.up();
                        restarted.incrementAndGet();
                    }
                    return null;
                });
                long start = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    long due = start + spread.toNanos() * i / events;
                    // Not a wait: events are paced evenly over the spread, so some are sent while Kafka is away.
                    Jobs.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
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
            int requestsThen = receiver.requests();
            Waits.during(Duration.ofSeconds(3), "no late duplicate arrives", () -> receiver.requests() == requestsThen);
            Set<String> received = receiver.jobs();
            long lost = sent.stream().filter(j -> !received.contains(j)).count();
            int duplicated = receiver.requests() - receiver.distinct();
            int audited = countAudit(project, "job.completed");
            System.out.printf(
                    "faults: broker_restarts=%d events=%d lost=%d duplicated_effects=%d audit_rows=%d%n",
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
        String url = Jobs.databaseUrl(project);
        Stack.psql(
                url,
                "CREATE TABLE items (id int primary key, v text);"
                        + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1500000) g;"
                        + " CREATE TABLE notes (id int primary key, body text); INSERT INTO notes VALUES (1, 'first')");
        JsonPath backup = Jobs.completedBackup(project);
        Stack.psql(url, "INSERT INTO notes VALUES (2, 'written after the backup')");
        List<Integer> percents = LONG ? List.of(25, 50, 75) : List.of(50);
        for (int percent : percents) {
            String before = Jobs.rowHashes(url, "items", "notes");
            Response started = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of(
                            "backup_key",
                            backup.getString("backup_key"),
                            "target_kind",
                            "project",
                            "confirm_project_overwrite",
                            true))
                    .post("/v1/projects/{id}/restores", project);
            started.then().statusCode(202);
            String restore = started.path("id");
            long size = backup.getLong("size_bytes");
            JsonPath at = Jobs.awaitRestore(
                    project,
                    restore,
                    r -> "loading".equals(r.getString("phase")) && r.getLong("bytes_done") >= size * percent / 100,
                    Duration.ofMinutes(2));
            StackControl.crash("restore-service");
            StackControl.up();
            JsonPath done = Jobs.awaitRestore(
                    project, restore, r -> r.getString("status").matches("completed|failed"), Duration.ofMinutes(2));
            String after = Jobs.rowHashes(url, "items", "notes");
            String scratch = "rs_" + restore.replace("-", "");
            boolean orphan = !Stack.psql(
                            Jobs.hostAdminUrl(), "SELECT count(*) FROM pg_database WHERE datname = '" + scratch + "'")
                    .equals("0");
            // The project is usable again once restore.failed has reached the other services (events: a moment).
            long failedAt = System.nanoTime();
            AtomicInteger probe = new AtomicInteger();
            Waits.within(Duration.ofSeconds(30), "the project lock is released", () -> {
                probe.set(Stack.api("alice")
                        .contentType("application/json")
                        .body(Map.of("label", "after-kill"))
                        .post("/v1/projects/{id}/backups", project)
                        .statusCode());
                return probe.get() != 409;
            });
            int lockProbe = probe.get();
            long usableAfterMs = (System.nanoTime() - failedAt) / 1_000_000;
            System.out.printf(
                    "faults: restore_killed_at_pct=%d bytes_done=%d of %d status=%s production_identical=%b"
                            + " orphan_scratch=%b backup_after_kill=%d usable_again_after_ms=%d%n",
                    percent,
                    at.getLong("bytes_done"),
                    size,
                    done.getString("status"),
                    before.equals(after),
                    orphan,
                    lockProbe,
                    usableAfterMs);
            assertEquals("failed", done.getString("status"), done.prettify());
            assertFalse(
                    done.getString("error") == null || done.getString("error").isBlank(), "a reason is given");
            assertEquals(before, after, "production is byte-identical");
            assertFalse(orphan, "no scratch database is left behind");
            assertEquals(202, lockProbe, "the project lock was released");
            Jobs.awaitBackup(project, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The object store stopped while a backup uploads.

    @Test
    void s3DownDuringABackupFailsItCleanlyAndALaterBackupSucceeds() throws Exception {
        String project = project("faults-s3");
        // Random rows (~77 MB of hex, which gzip only halves), so the dump is still uploading when storage stops.
        // The subquery names g, so it runs for every row; without that it ran once and every row was alike.
        Stack.psql(
                Jobs.databaseUrl(project),
                "CREATE TABLE blobs AS SELECT g AS id,"
                        + " (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 8) i) AS v"
                        + " FROM generate_series(1, 300000) g");
        String backupId = Jobs.postBackup(project, "s3-down");
        JsonPath running = Jobs.awaitBackupWhere(
                project, backupId, b -> !"pending".equals(b.getString("status")), Duration.ofMinutes(1));
        Waits.until(
                Duration.ofMinutes(1),
                "the dump is uploading",
                () -> !StackControl.openUploads("capydb-backups", "projects/" + project + "/")
                        .isEmpty());
        StackControl.stop("s3proxy");
        JsonPath failed;
        try {
            failed = Jobs.awaitBackupWhere(
                    project, backupId, b -> !b.getString("status").matches("pending|running"), Duration.ofMinutes(3));
        } finally {
            StackControl.up();
        }
        String key = failed.getString("backup_key");
        boolean objectLeft = key != null && Files.exists(StackControl.objectFile("capydb-backups", key));
        JsonPath later = Jobs.awaitBackup(project, Jobs.postBackup(project, "after-s3-came-back"));
        // The failed upload could not be aborted while storage was down; backup-service's sweep aborts it.
        List<String> openUploads = StackControl.openBackupUploadsAfterTheSweep("projects/" + project + "/");
        System.out.printf(
                "faults: s3_stopped_during=%s backup_status=%s completed_object_left=%b later_backup=%s"
                        + " open_uploads_after_sweep=%d%n",
                running.getString("status"),
                failed.getString("status"),
                objectLeft,
                later.getString("status"),
                openUploads.size());
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertFalse(
                failed.getString("error") == null || failed.getString("error").isBlank());
        assertFalse(objectLeft, "no object is left for a failed backup");
        assertEquals(List.of(), openUploads, "no multipart upload stays open, billed, once swept");
        assertEquals("completed", later.getString("status"), later.prettify());
        assertTrue(Files.exists(StackControl.objectFile("capydb-backups", later.getString("backup_key"))));
    }

    // ---------------------------------------------------------------------------------------------------------
    // A stored backup object changed by one byte.

    @Test
    void aBackupCorruptedInStorageNeverOverwritesProduction() throws Exception {
        String project = projectWithItems("faults-corrupt");
        String url = Jobs.databaseUrl(project);
        JsonPath backup = Jobs.completedBackup(project);
        Stack.psql(url, "INSERT INTO items VALUES (0, 'production moved on')");
        String before = Jobs.rowHashes(url, "items");
        flipOneByte(StackControl.objectFile("capydb-backups", backup.getString("backup_key")));
        Response started = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of(
                        "backup_key",
                        backup.getString("backup_key"),
                        "target_kind",
                        "project",
                        "confirm_project_overwrite",
                        true))
                .post("/v1/projects/{id}/restores", project);
        started.then().statusCode(202);
        JsonPath done = Jobs.awaitRestore(
                project,
                started.path("id"),
                r -> r.getString("status").matches("completed|failed"),
                Duration.ofMinutes(2));
        String after = Jobs.rowHashes(url, "items");
        System.out.printf(
                "faults: corrupted_byte=1 restore_status=%s production_identical=%b error=\"%s\"%n",
                done.getString("status"), before.equals(after), done.getString("error"));
        assertEquals("failed", done.getString("status"));
        assertEquals(before, after, "production is byte-identical");
    }

    // ---------------------------------------------------------------------------------------------------------
    // A cutover whose pre-cutover backup is changed in storage before it is verified.

    @Test
    void aCutoverWhosePreCutoverBackupIsCorruptedNeverOverwritesProduction() throws Exception {
        String project = projectWithItems("faults-cutcorrupt");
        String url = Jobs.databaseUrl(project);
        String preview = changedPreview(project);
        // The same database (oid) with the same rows: a promotion would change both.
        String fingerprint = "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()) || '|' || "
                + "md5(string_agg(i::text, ',' ORDER BY id)) FROM items i";
        String before = Stack.psql(url, fingerprint);
        Path backups = StackControl.objectFile("capydb-backups", "projects/" + project + "/backups");
        Set<Path> earlier = listFiles(backups);

        // The pre-cutover backup is verified right after its upload, in the same worker step. Reads from storage are
        // held back 10 s, so the object can be changed on disk after the upload and before the verification reads it.
        Path latency = Files.createTempFile("s3proxy-latency", ".properties");
        Files.writeString(latency, "s3proxy.latency-blobstore.get.latency=10000\n");
        JsonPath cutover;
        try {
            StackControl.restart("s3proxy", Map.of("CAPYDB_S3PROXY_EXTRA_PROPERTIES", latency.toString()));
            String id = Jobs.requestCutover(project, preview, "SUP-CORRUPT");
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/ack", id)
                    .then()
                    .statusCode(200);
            Stack.api("olga")
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(202);
            Path object = awaitNewStableFile(backups, earlier, Duration.ofMinutes(2));
            flipOneByte(object);
            cutover = Jobs.awaitCutover(project, id);
        } finally {
            StackControl.restart("s3proxy", Map.of());
            Files.deleteIfExists(latency);
        }
        JsonPath pre = Jobs.awaitBackupWhere(
                project,
                cutover.getString("pre_cutover_backup_id"),
                b -> !b.getString("status").matches("pending|running"),
                Duration.ofMinutes(1));
        String after = Stack.psql(url, fingerprint);
        List<Object> overwrites = Stack.api("alice")
                .get("/v1/projects/{id}/restores?limit=100", project)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.target_kind == 'project' }");
        System.out.printf(
                "faults: pre_cutover_backup_corrupted=1 backup_status=%s cutover_status=%s overwrites=%d"
                        + " production_identical=%b reason=\"%s\"%n",
                pre.getString("status"),
                cutover.getString("status"),
                overwrites.size(),
                before.equals(after),
                cutover.getString("reason"));
        assertEquals("failed", pre.getString("status"), pre.prettify());
        assertTrue(pre.getString("error").contains("verification failed"), pre.getString("error"));
        assertEquals("failed", cutover.getString("status"), cutover.prettify());
        assertEquals(List.of(), overwrites, "no overwrite of production was even started");
        assertEquals(before, after, "production is the same database with the same rows");
    }

    @Test
    void kafkaKilledAtEachCutoverStepCompletesTheSagaOnceItIsBack() throws Exception {
        String project = project("faults-cutkafka");
        // Big enough that the pre-cutover backup and the promotion take seconds: Kafka is stopped while each runs.
        Jobs.fillItems(project, 300_000);
        String url = Jobs.databaseUrl(project);
        String preview = changedPreview(project);
        String id = Jobs.requestCutover(project, preview, "SUP-KAFKA");
        Stack.api("olga")
                .post("/v1/operator/cutover-requests/{r}/ack", id)
                .then()
                .statusCode(200);
        // Each kill comes from a watcher thread the moment its step shows (the steps take seconds), even while the
        // stack is still coming back up from the kill before.
        CompletableFuture<Seen> backupSeen =
                killKafkaOnceListed(project, "backups", "items.find { it.label == 'pre-cutover-" + id + "' }");
        Stack.api("olga")
                .post("/v1/operator/cutover-requests/{r}/execute", id)
                .then()
                .statusCode(202);
        // 1. Kafka went away while the pre-cutover backup runs: it completes, its event waits in the outbox.
        Seen backup = backupSeen.get(3, TimeUnit.MINUTES);
        assertTrue(
                backup.item().getString("status").matches("pending|running"),
                "Kafka is stopped while the pre-cutover backup runs: "
                        + backup.item().prettify());
        String[] backupStep = new String[2];
        CompletableFuture<Seen> promotionSeen =
                killKafkaOnceListed(project, "restores", "items.find { it.target_kind == 'project' }");
        whileKafkaDown(backup.killedAt(), () -> {
            backupStep[0] =
                    Jobs.awaitBackup(project, backup.item().getString("id")).getString("status");
            backupStep[1] = cutover(project, id).jsonPath().getString("waiting_for");
        });
        // 2. Kafka went away while production is overwritten: the promotion ends, promotion.finished waits in
        //    restore-service's outbox, and the cutover cannot have heard of it.
        Seen promotion = promotionSeen.get(3, TimeUnit.MINUTES);
        assertTrue(
                promotion.item().getString("status").matches("pending|running"),
                "Kafka is stopped while the promotion runs: " + promotion.item().prettify());
        String[] promotionStep = new String[2];
        whileKafkaDown(promotion.killedAt(), () -> {
            promotionStep[0] = Jobs.awaitRestore(
                            project,
                            promotion.item().getString("id"),
                            r -> !r.getString("status").matches("pending|running"),
                            Duration.ofMinutes(2))
                    .getString("status");
            promotionStep[1] = cutover(project, id).jsonPath().getString("waiting_for");
        });
        JsonPath cutover = Jobs.awaitCutover(project, id);
        StackControl.up();
        List<Object> overwrites =
                listOf(project, "restores").jsonPath().getList("items.findAll { it.target_kind == 'project' }");
        String rows =
                Stack.psql(url, "SELECT count(*) FILTER (WHERE v = 'from the preview') || '/' || count(*) FROM items");
        System.out.printf(
                "faults: kafka_killed_at_cutover_steps=2 backup_while_down=%s cutover_waiting_for=%s"
                        + " promotion_while_down=%s cutover_waiting_for=%s status=%s overwrites=%d preview_rows_in_production=%s%n",
                backupStep[0],
                backupStep[1],
                promotionStep[0],
                promotionStep[1],
                cutover.getString("status"),
                overwrites.size(),
                rows);
        assertEquals("completed", backupStep[0], "the pre-cutover backup ran to its end while Kafka was down");
        assertEquals("pre_cutover_backup", backupStep[1], "the cutover had not heard of the backup's end yet");
        assertEquals("completed", promotionStep[0], "the promotion ran to its end while Kafka was down");
        assertEquals("promotion", promotionStep[1], "the cutover had not heard of the promotion's end yet");
        assertEquals("completed", cutover.getString("status"), cutover.prettify());
        assertEquals(1, overwrites.size(), "production was overwritten once");
        assertTrue(
                rows.matches("(\\d+)/\\1") && !rows.startsWith("0/"), "production holds the preview's rows: " + rows);
    }

    /**
     * Kafka away for longer than its clients' default 60 s bound, killed again just after it came back (consumers
     * rejoining and asking for committed offsets). Every service's channels must read on once it is back: a
     * channel that failed stays failed, its service ready never again and blind to new projects. Long suite only
     * ({@code dev/test --faults}): the outage alone takes 75 s.
     */
    @Test
    void kafkaAwayForMoreThanAMinuteLeavesEveryConsumerReading() throws Exception {
        assumeTrue(LONG, "the 75 s outage runs under dev/test --faults");
        String project = projectWithItems("faults-kafka-long");
        StackControl.crash("kafka");
        StackControl.upInfra();
        Jobs.postBackup(project, "as-kafka-goes");
        StackControl.crash("kafka");
        Jobs.sleep(75_000); // not a wait: the outage itself, longer than a minute
        StackControl.up();
        // Ready everywhere (a failed channel reports not ready), and a project created now is known to the services
        // that keep a copy: backup-service backs it up, restore-service restores it into a preview.
        String later = projectWithItems("faults-kafka-after");
        JsonPath backup = Jobs.completedBackup(later);
        String preview = Jobs.previewOf(later, backup.getString("backup_key"));
        System.out.printf(
                "faults: kafka_away_s=75 later_backup=%s later_preview=%s%n", backup.getString("status"), preview);
    }

    /**
     * {@code meanwhile} run while Kafka is down (killed at {@code killedAt}); Kafka started again 5 s after the kill
     * at the earliest. Only the infrastructure is waited for: a watcher may kill Kafka again before the services
     * would report ready.
     */
    private static void whileKafkaDown(long killedAt, Step meanwhile) throws Exception {
        try {
            meanwhile.run();
            // Not a wait: the outage lasts at least 5 s whatever the step took.
            Jobs.sleep(Math.max(0, 5000 - (System.nanoTime() - killedAt) / 1_000_000));
        } finally {
            StackControl.upInfra();
        }
    }

    /** An item of a list as first seen, and when Kafka was killed on seeing it. */
    private record Seen(JsonPath item, long killedAt) {}

    /**
     * From its own thread, lists the project's {@code kind} every 20 ms until {@code itemPath} finds an item, then
     * kills Kafka at once.
     */
    private static CompletableFuture<Seen> killKafkaOnceListed(String project, String kind, String itemPath) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                JsonPath list =
                        Jobs.await(() -> listOf(project, kind), l -> l.get(itemPath) != null, Duration.ofMinutes(3));
                StackControl.crash("kafka");
                return new Seen(list.setRootPath(itemPath), System.nanoTime());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** What a step does while Kafka is down. */
    private interface Step {
        void run() throws Exception;
    }

    private static Response cutover(String project, String id) {
        return Stack.api("alice").get("/v1/projects/{id}/cutover-requests/{r}", project, id);
    }

    /** The project's first 100 backups or restores ({@code kind}), newest first. */
    private static Response listOf(String project, String kind) {
        return Stack.api("alice").get("/v1/projects/{id}/" + kind + "?limit=100", project);
    }

    /** A new preview of the project whose items all read {@code 'from the preview'}: a promotion shows. */
    private static String changedPreview(String project) throws Exception {
        String preview = Jobs.previewOf(project, Jobs.completedBackup(project).getString("backup_key"));
        String previewUrl = Stack.api("alice")
                .get("/v1/projects/{id}/previews/{p}/connection", project, preview)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        Stack.psql(previewUrl, "UPDATE items SET v = 'from the preview'");
        return preview;
    }

    /** Files directly in {@code dir} (none when it does not exist yet). */
    private static Set<Path> listFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (var files = Files.list(dir)) {
            return files.collect(java.util.stream.Collectors.toSet());
        }
    }

    /** A file in {@code dir} not in {@code earlier} whose size stayed the same for 300 ms (its upload is over). */
    private static Path awaitNewStableFile(Path dir, Set<Path> earlier, Duration timeout) {
        Map<Path, Long> sizes = new java.util.HashMap<>();
        // Polled every 300 ms: a size equal to the one seen at the poll before has held that long.
        return Waits.until(
                Waits.await("a new backup object in " + dir, timeout).pollInterval(Duration.ofMillis(300)),
                "a new backup object in " + dir + " whose upload is over",
                () -> {
                    for (Path f : listFiles(dir)) {
                        if (!earlier.contains(f) && f.toString().endsWith(".dump")) {
                            long size = Files.size(f);
                            Long before = sizes.put(f, size);
                            if (size > 0 && before != null && before == size) {
                                return f;
                            }
                        }
                    }
                    return null;
                },
                f -> true,
                String::valueOf);
    }

    private static void flipOneByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fifty overwrites of one project at once.

    @Test
    void ofFiftyConcurrentOverwritesExactlyOneRuns() throws Exception {
        String project = project("faults-busy");
        // Enough rows that the one accepted overwrite is still running when the last request arrives: 300,000
        // loaded in 0.7 s once, while 50 requests through the gateway on 2 busy cores took longer to arrive.
        Stack.psql(
                Jobs.databaseUrl(project),
                "CREATE TABLE items (id int primary key, v text);"
                        + " INSERT INTO items SELECT g, md5(g::text) || md5(g::text) FROM generate_series(1, 1500000) g");
        String key = Jobs.completedBackup(project).getString("backup_key");
        Stack.token("alice");
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return Stack.api("alice")
                        .contentType("application/json")
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
        System.out.printf(
                "faults: concurrent_overwrites=%d accepted=%d project_busy=%d other=%d%n",
                n, accepted, busy, other.size());
        assertEquals(1, accepted, "exactly one overwrite runs; others: " + other);
        assertEquals(n - 1, busy, "the rest are refused as project_busy: " + other);
        JsonPath done = Jobs.awaitRestore(
                project, acceptedId, r -> r.getString("status").matches("completed|failed"), Duration.ofMinutes(2));
        assertEquals("completed", done.getString("status"), done.prettify());
    }

    // ---------------------------------------------------------------------------------------------------------

    private String project(String prefix) {
        String id = Jobs.newProject(prefix);
        projects.add(id);
        return id;
    }

    /** A project whose database holds a table {@code items} of 20,000 rows. */
    private String projectWithItems(String prefix) throws Exception {
        String id = project(prefix);
        Jobs.fillItems(id, 20_000);
        return id;
    }

    private static int countAudit(String project, String type) throws InterruptedException {
        int total = 0;
        String cursor = null;
        do {
            var req = Stack.api("alice").queryParam("type", type).queryParam("limit", 100);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/v1/projects/{id}/audit-events", project)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            total += page.getList("items").size();
            cursor = page.getString("next_cursor");
        } while (cursor != null && !cursor.isBlank());
        return total;
    }

    private static String jobCompleted(String project, String job) {
        String now = Instant.now().toString();
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"job.completed\",\"source\":\"faults\",\"time\":\""
                + now
                + "\",\"org_id\":\"acme\",\"project_id\":\"" + project + "\",\"correlation_id\":null,\"data\":{"
                + "\"job_id\":\"" + job + "\",\"job_kind\":\"faults\",\"status\":\"completed\",\"resource_id\":\""
                + job + "\",\"error\":null,\"started_at\":\"" + now + "\",\"completed_at\":\"" + now + "\"}}";
    }
}
