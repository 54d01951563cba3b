package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.testing.Waits;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every service runs twice: beside each instance dev/stack started, a second one with the same command line and
 * environment (same Kafka, control-plane databases, storage, hosts) on another port. Work is only ever sent to the
 * first instances (the gateway knows no others); the second ones compete for it through the job tables, the Kafka
 * consumer groups and the schedulers. The suite shows that jobs, schedule slots, preview expiry, webhook deliveries
 * and outbox rows each happen once, that both instances really took work, and that killing an instance mid-job
 * leaves no job stuck. It prints {@code scale-out: …} figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ContractGate.class)
class ScaleOutIT {

    private static final List<String> TOPICS = List.of(
            "capydb.projects",
            "capydb.backups",
            "capydb.restores",
            "capydb.imports",
            "capydb.cutovers",
            "capydb.webhooks");
    private static final Pattern WORKER_PID = Pattern.compile("^[a-z]+-(\\d+)-");

    private static SecondInstances seconds;
    private static final List<String> PROJECTS = new ArrayList<>();
    /** Where each topic's partitions ended when the suite began: everything after was published during it. */
    private static final Map<TopicPartition, Long> START = new HashMap<>();

    private static String scheduled;
    private static ZonedDateTime slot;

    @BeforeAll
    static void secondInstances() throws Exception {
        try (KafkaConsumer<String, String> kafka = Stack.consumer()) {
            for (String topic : TOPICS) {
                List<TopicPartition> parts = kafka.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                START.putAll(kafka.endOffsets(parts));
            }
        }
        seconds = SecondInstances.start("scale-out");
        // A schedule slot a little ahead, checked by the last test: both backup-service instances see it come due.
        scheduled = project("scale-sched");
        slot = ZonedDateTime.now(ZoneOffset.UTC)
                .plusSeconds(90)
                .withSecond(0)
                .withNano(0)
                .plusMinutes(1);
        Map<String, Object> schedule =
                Map.of("hour", slot.getHour(), "minute", slot.getMinute(), "active", true, "retention_days", 7);
        Response r = Stack.api("alice")
                .contentType("application/json")
                .body(schedule)
                .put("/v1/projects/{id}/scheduled-backups/default", scheduled);
        assertEquals(200, r.statusCode(), r.asString());
    }

    @AfterAll
    static void firstInstancesOnly() throws Exception {
        seconds.close(); // and an instance of dev/stack's that a test killed comes back
        for (String p : PROJECTS) {
            Stack.api("alice").delete("/v1/projects/{id}", p);
        }
    }

    @Test
    @Order(1)
    void twentyConcurrentBackupsEachRunOnceAndEachWebhookIsDeliveredOnce() throws Exception {
        // Enough rows that a backup takes a moment, so the second instance's worker claims some.
        String project = projectWithItems("scale-backups", 300_000, "md5(g::text)");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Response hook = WebhooksE2EIT.post(
                    "alice",
                    "/v1/projects/{id}/webhooks",
                    Map.of(
                            "url",
                            "http://127.0.0.1:" + receiver.port() + "/hooks",
                            "event_types",
                            List.of("backup.completed")),
                    project);
            assertEquals(201, hook.statusCode(), hook.asString());
            Jobs.postBackup(project, "warm-up"); // also waits until backup-service knows the project
            Jobs.awaitBackup(project, null);

            Stack.EventTail backupEvents = Stack.tail("capydb.backups");
            ExecutorService clients = Executors.newFixedThreadPool(20);
            List<Future<String>> posted = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String label = "scale-" + i;
                posted.add(clients.submit(() -> Jobs.postBackup(project, label)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : posted) {
                ids.add(f.get());
            }
            clients.shutdown();
            for (String id : ids) {
                JsonPath b = Jobs.awaitBackup(project, id);
                assertEquals("completed", b.getString("status"), b.prettify());
            }

            Map<String, String> rows = rows(
                    "capydb_backup",
                    "SELECT id || '|' || worker || '|' || attempt FROM backup " + "WHERE id IN (" + quoted(ids) + ")");
            assertEquals(20, rows.size());
            rows.forEach((id, row) -> assertTrue(row.endsWith("|1"), "backup " + id + " ran more than once: " + row));
            Set<Long> pids = rows.values().stream()
                    .map(r -> workerPid(r.split("\\|")[1]))
                    .collect(Collectors.toSet());
            assertEquals(
                    Set.of(
                            StackControl.pid("backup-service"),
                            seconds.of("backup-service").pid()),
                    pids,
                    "both instances ran backups");

            // On Kafka: one backup.completed per backup.
            Map<String, Integer> completed = new HashMap<>();
            // Only this test's backups count: an earlier backup's event may still be on its way from an outbox (the
            // API shows completed as soon as the row commits; the relay publishes a moment later).
            drain(
                            backupEvents,
                            r -> r.value().contains("\"type\":\"backup.completed\"")
                                    && ids.stream().anyMatch(id -> r.value().contains(id)),
                            20,
                            Duration.ofMinutes(1))
                    .forEach(r -> ids.stream()
                            .filter(id -> r.value().contains(id))
                            .findFirst()
                            .ifPresent(id -> completed.merge(id, 1, Integer::sum)));
            backupEvents.close();
            assertEquals(ids.stream().collect(Collectors.toMap(id -> id, id -> 1)), completed);

            // Webhooks: 20 events (plus the warm-up's) reach the endpoint, each once, from two dispatchers.
            receiver.await(r -> r.deliveries().size() >= 21, Duration.ofMinutes(2));
            Waits.during(
                    Duration.ofSeconds(3),
                    "no event is delivered twice",
                    () -> receiver.deliveries().values().stream().allMatch(n -> n == 1));
            Map<String, Integer> deliveries = receiver.deliveries();
            assertEquals(21, deliveries.size(), deliveries.toString());
            assertTrue(deliveries.values().stream().allMatch(n -> n == 1), "each event delivered once: " + deliveries);
            System.out.printf(
                    "scale-out: backups=20 ran_once=20 instances=%d webhook_deliveries=%d repeated=0%n",
                    pids.size(), deliveries.size());
        }
    }

    @Test
    @Order(2)
    void expiredPreviewsAreDroppedOnce() throws Exception {
        String project = project("scale-previews");
        Stack.psql(Jobs.databaseUrl(project), "CREATE TABLE notes (id int primary key); INSERT INTO notes VALUES (1)");
        JsonPath backup = Jobs.completedBackup(project);
        List<String> previews = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String restore = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of(
                            "backup_key", backup.getString("backup_key"), "preview_name", "scale-" + i, "ttl_hours", 1))
                    .post("/v1/projects/{id}/restores", project)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            JsonPath done = Jobs.awaitRestore(
                    project, restore, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(2));
            assertEquals("completed", done.getString("status"), done.prettify());
            previews.add(done.getString("preview_id"));
        }
        Map<String, String> databases = rows(
                "capydb_restore",
                "SELECT id || '|' || database_name FROM preview " + "WHERE id IN (" + quoted(previews) + ")");
        // Their time is up: both restore-service reapers (one a minute each) now compete for them.
        Stack.EventTail restoreEvents = Stack.tail("capydb.restores");
        Stack.psql(
                controlPlane("capydb_restore"),
                "UPDATE preview SET expires_at = now() - interval '1 second' " + "WHERE id IN (" + quoted(previews)
                        + ")");

        List<ConsumerRecord<String, String>> expired = drain(
                restoreEvents,
                r -> r.value().contains("\"type\":\"preview.expired\"")
                        && previews.stream().anyMatch(r.value()::contains),
                3,
                Duration.ofMinutes(3));
        // A repeated expiry would arrive now: read on for a while, and stop at the first one.
        Waits.during(Duration.ofSeconds(3), "no preview expires twice", () -> {
            expired.addAll(drain(
                    restoreEvents,
                    r -> r.value().contains("\"type\":\"preview.expired\"")
                            && previews.stream().anyMatch(r.value()::contains),
                    0,
                    Duration.ofMillis(100)));
            return previews.stream()
                    .allMatch(id ->
                            expired.stream().filter(r -> r.value().contains(id)).count() <= 1);
        });
        restoreEvents.close();
        Map<String, Long> perPreview = previews.stream()
                .collect(Collectors.toMap(
                        id -> id,
                        id -> expired.stream()
                                .filter(r -> r.value().contains(id))
                                .count()));
        assertEquals(previews.stream().collect(Collectors.toMap(id -> id, id -> 1L)), perPreview);
        for (String db : databases.values()) {
            assertEquals(
                    "0",
                    Stack.psql(
                            Jobs.hostAdminUrl(),
                            "SELECT count(*) FROM pg_database WHERE datname = '" + db.split("\\|")[1] + "'"),
                    "preview database " + db + " is dropped");
        }
        System.out.printf("scale-out: previews_expired=%d expired_events=%d%n", previews.size(), expired.size());
    }

    @Test
    @Order(3)
    void killingTheInstanceRunningABackupLeavesNoJobStuck() throws Exception {
        String project = projectWithItems("scale-kill", 1_500_000, "md5(g::text) || md5(g::text)");
        Jobs.postBackup(project, "warm-up");
        Jobs.awaitBackup(project, null);
        String id = Jobs.postBackup(project, "killed-mid-job");
        // Polled often: the instance is to be killed early in the job.
        String worker = Waits.until(
                Waits.await("the backup starts running", Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)),
                "the backup starts running",
                () -> {
                    String row = Stack.psql(
                            controlPlane("capydb_backup"),
                            "SELECT coalesce(worker, '') FROM backup " + "WHERE id = '" + id
                                    + "' AND status = 'RUNNING'");
                    return row.isBlank() ? null : row;
                },
                w -> true,
                String::valueOf);
        long victim = workerPid(worker);
        boolean first = victim == StackControl.pid("backup-service");
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        if (first) {
            StackControl.up(); // the gateway needs a backup-service to answer the polls; it comes back empty-handed
        }
        // The lease (30 s on the dev stack) runs out; a live instance runs the backup again.
        String after = Waits.until(
                Duration.ofMinutes(4),
                "the backup is run again to its end",
                () -> Stack.psql(
                        controlPlane("capydb_backup"),
                        "SELECT status || '|' || attempt || '|' || " + "coalesce(worker, '') FROM backup WHERE id = '"
                                + id + "'"),
                a -> a.startsWith("COMPLETED") || a.startsWith("FAILED"));
        assertTrue(after != null && after.startsWith("COMPLETED|2|"), "run again to completion: " + after);
        assertFalse(after.endsWith(worker), "by another worker than the killed one: " + after);
        JsonPath b = Jobs.awaitBackup(project, id);
        assertEquals("completed", b.getString("status"), b.prettify());
        // The killed instance's upload of the first attempt was never completed nor aborted: the sweep aborts it.
        List<String> openUploads = StackControl.openBackupUploadsAfterTheSweep("projects/" + project + "/");
        System.out.printf(
                "scale-out: killed=%s instance_pid=%d job_recovered_after_s=%d attempts=2"
                        + " open_uploads_after_sweep=%d%n",
                first ? "first" : "second",
                victim,
                Duration.ofNanos(System.nanoTime() - killedAt).toSeconds(),
                openUploads.size());
        assertEquals(List.of(), openUploads, "no multipart upload of the killed attempt stays open");
    }

    @Test
    @Order(4)
    void aScheduleSlotFiresOnceWithTwoSchedulers() throws Exception {
        // Both schedulers (a tick every 30 s each) have their chances at the slot: meanwhile never two backups.
        Duration chances = Duration.between(ZonedDateTime.now(ZoneOffset.UTC), slot.plusSeconds(75));
        if (!chances.isNegative() && !chances.isZero()) {
            Waits.during(
                    chances,
                    "at most one backup for the slot " + slot,
                    () -> Stack.api("alice")
                                    .queryParam("limit", 100)
                                    .get("/v1/projects/{id}/backups", scheduled)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath()
                                    .<String>getList("items.kind")
                                    .stream()
                                    .filter("scheduled"::equals)
                                    .count()
                            <= 1);
        }
        List<Map<String, Object>> items = Stack.api("alice")
                .queryParam("limit", 100)
                .get("/v1/projects/{id}/backups", scheduled)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        long fromSchedule =
                items.stream().filter(i -> "scheduled".equals(i.get("kind"))).count();
        assertEquals(1, fromSchedule, "one backup for the slot " + slot + ": " + items);
        System.out.printf("scale-out: schedule_slot=%s backups_for_slot=%d%n", slot, fromSchedule);
    }

    @Test
    @Order(5)
    void everyOutboxRowWasPublishedOnce() {
        // Everything the services published while this suite ran, on every topic: no event id twice.
        Map<String, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("^\\{\"id\":\"([0-9a-f-]{36})\"");
        int total = 0;
        try (KafkaConsumer<String, String> kafka = Stack.consumer()) {
            kafka.assign(START.keySet());
            START.forEach(kafka::seek);
            Map<TopicPartition, Long> end = kafka.endOffsets(START.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (end.entrySet().stream().anyMatch(e -> kafka.position(e.getKey()) < e.getValue())) {
                assertTrue(System.nanoTime() < deadline, "read the suite's events within a minute");
                for (ConsumerRecord<String, String> r : kafka.poll(Duration.ofMillis(500))) {
                    Matcher m = id.matcher(r.value());
                    assertTrue(m.find(), "an event envelope: " + r.value());
                    seen.merge(m.group(1), 1, Integer::sum);
                    total++;
                }
            }
        }
        Map<String, Integer> twice = seen.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), twice, "events published more than once");
        // At least the 22 backups' backup.completed and job.completed of the first test.
        assertTrue(total >= 44, "the suite's events were seen: " + total);
        System.out.printf("scale-out: events=%d published_twice=0%n", total);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String project(String prefix) {
        String id = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        PROJECTS.add(id);
        return id;
    }

    /** A new project with table {@code items} of {@code rows} rows whose text column is {@code value} (of g). */
    private static String projectWithItems(String prefix, int rows, String value) throws Exception {
        String project = project(prefix);
        Stack.psql(
                Jobs.databaseUrl(project),
                "CREATE TABLE items AS SELECT g AS id, " + value + " AS v " + "FROM generate_series(1, " + rows
                        + ") g");
        return project;
    }

    private static String controlPlane(String database) {
        return "postgresql://postgres:" + Stack.env("CAPYDB_PG_PASSWORD", "capydb") + "@127.0.0.1:"
                + Stack.env("CAPYDB_PG_PORT", "15432") + "/" + database;
    }

    /** Rows of {@code sql} (one text column, "key|rest") keyed by their first field. */
    private static Map<String, String> rows(String database, String sql) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Stack.psql(controlPlane(database), sql).split("\n")) {
            if (!line.isBlank()) {
                out.put(line.split("\\|")[0], line);
            }
        }
        return out;
    }

    private static String quoted(List<String> ids) {
        return ids.stream().map(i -> "'" + i + "'").collect(Collectors.joining(","));
    }

    /** The pid in a job worker's id ({@code <kind>-<pid>-<random>}). */
    private static long workerPid(String worker) {
        Matcher m = WORKER_PID.matcher(worker);
        assertTrue(m.find(), "a worker id: " + worker);
        return Long.parseLong(m.group(1));
    }

    /** Takes from the topic's tail every record matching {@code wanted}, until {@code atLeast} or the timeout. */
    private static List<ConsumerRecord<String, String>> drain(
            Stack.EventTail tail,
            java.util.function.Predicate<ConsumerRecord<String, String>> wanted,
            int atLeast,
            Duration timeout) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                out.add(tail.await(wanted, Duration.ofMillis(500)));
            } catch (AssertionError none) {
                if (out.size() >= atLeast || System.nanoTime() > deadline) {
                    return out;
                }
            }
        }
    }
}
