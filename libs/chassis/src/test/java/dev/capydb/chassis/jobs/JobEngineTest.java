package dev.capydb.chassis.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.vertx.core.Context;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine over a job table of its own: a dead worker's job goes to the handler, whose re-queue frees it for the
 * next claim; the schedule claims and runs pending jobs, records a crash through the handler, and is gone after
 * stop.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class JobEngineTest {

    private static final RuntimeException BOOM = new IllegalStateException("boom");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Scheduler scheduler;

    @Inject
    JobTables jobTables;

    private JobLeases leases;

    @BeforeEach
    void table() throws Exception {
        exec("CREATE TABLE IF NOT EXISTS engine_test_job (id uuid PRIMARY KEY, status text NOT NULL, "
                + "attempt integer NOT NULL DEFAULT 0, not_before timestamptz, lease_until timestamptz, worker text, "
                + "created_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz)");
        exec("DELETE FROM engine_test_job");
        leases = jobTables.leases("engine_test_job");
    }

    @Test
    void anExpiredLeaseGoesToTheHandlerWhichRequeuesIt() throws Exception {
        UUID dead = UUID.randomUUID();
        UUID alive = UUID.randomUUID();
        exec("INSERT INTO engine_test_job (id, status, attempt, lease_until, worker) VALUES "
                + "('" + dead + "', 'RUNNING', 1, now() - interval '1 minute', 'a-dead-replica'), "
                + "('" + alive + "', 'RUNNING', 1, now() + interval '1 minute', 'a-live-replica')");
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
        Recorder handler = new Recorder() {
            @Override
            public void leaseExpired(UUID id) {
                super.leaseExpired(id);
                assertTrue(leases.requeue(id, later));
            }
        };
        JobEngine engine = new JobEngine("engine-test-reap", leases, 1, Duration.ofSeconds(30), handler);
        try {
            // A re-queue joins the caller's transaction: rolled back with it, the job is still running.
            assertThrows(
                    RuntimeException.class,
                    () -> QuarkusTransaction.requiringNew().run(() -> {
                        assertTrue(leases.requeue(dead, null));
                        throw new IllegalStateException("the caller's transaction fails");
                    }));
            assertEquals("RUNNING", row(dead).get("status"));
            engine.reap();
            assertEquals(List.of(dead), handler.expired);
            Map<String, Object> row = row(dead);
            assertEquals("PENDING", row.get("status"));
            assertNull(row.get("worker"));
            assertNull(row.get("lease_until"));
            assertEquals(later, ((Timestamp) row.get("not_before")).toInstant());
            assertEquals("RUNNING", row(alive).get("status"));
            // Only a running job is re-queued: the second call finds it queued already.
            assertFalse(leases.requeue(dead, null));
            // Not due before "later": nothing to claim.
            assertTrue(leases.claimNext("someone", Duration.ofSeconds(30)).isEmpty());
        } finally {
            engine.stop();
        }
    }

    @Test
    void theScheduleClaimsRunsAndRecordsCrashesUntilStopped() throws Exception {
        UUID fine = UUID.randomUUID();
        UUID crashing = UUID.randomUUID();
        exec("INSERT INTO engine_test_job (id, status, created_at) VALUES ('" + fine + "', 'PENDING', now()), ('"
                + crashing + "', 'PENDING', now() + interval '1 second')");
        Recorder handler = new Recorder() {
            @Override
            public void run(UUID id) {
                super.run(id);
                if (id.equals(crashing)) {
                    throw BOOM;
                }
            }
        };
        JobEngine engine = new JobEngine("engine-test-run", leases, 2, Duration.ofSeconds(30), handler);
        engine.start(scheduler);
        try {
            assertNotNull(scheduler.getScheduledJob("engine-test-run-jobs-poll"));
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> handler.crashed.containsKey(crashing));
            assertTrue(handler.ran.containsAll(List.of(fine, crashing)), handler.ran.toString());
            assertSame(BOOM, handler.crashed.get(crashing));
            assertFalse(handler.crashed.containsKey(fine));
            assertEquals(1, row(fine).get("attempt"));
            // Jobs block for minutes (child processes, streams): they run on the engine's own named threads.
            assertTrue(
                    handler.threads.stream().allMatch(t -> t.startsWith("engine-test-run-worker")),
                    handler.threads.toString());
        } finally {
            engine.stop();
        }
        assertNull(scheduler.getScheduledJob("engine-test-run-jobs-poll"));
        assertNull(scheduler.getScheduledJob("engine-test-run-jobs-heartbeat"));
        assertNull(scheduler.getScheduledJob("engine-test-run-jobs-reap"));
    }

    /** A handler that only remembers what it was asked. */
    private static class Recorder implements JobHandler {
        final List<UUID> ran = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final Map<UUID, Throwable> crashed = new ConcurrentHashMap<>();
        final List<UUID> expired = new CopyOnWriteArrayList<>();

        @Override
        public void run(UUID id) {
            threads.add(
                    Context.isOnEventLoopThread()
                            ? "event loop"
                            : Thread.currentThread().getName());
            ran.add(id);
        }

        @Override
        public void crashed(UUID id, Throwable e) {
            crashed.put(id, e);
        }

        @Override
        public void leaseExpired(UUID id) {
            expired.add(id);
        }
    }

    private Map<String, Object> row(UUID id) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT status, attempt, worker, lease_until, not_before "
                        + "FROM engine_test_job WHERE id = '" + id + "'")) {
            assertTrue(rs.next());
            Map<String, Object> row = new HashMap<>();
            for (String column : List.of("status", "attempt", "worker", "lease_until", "not_before")) {
                row.put(column, rs.getObject(column));
            }
            return row;
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
