package dev.capydb.chassis.jobs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Claiming, leasing and re-queueing of job rows, for any table with the job columns ({@code id, status, attempt,
 * not_before, lease_until, worker, started_at, created_at}; statuses {@code PENDING}/{@code RUNNING}). Claims use
 * {@code FOR UPDATE SKIP LOCKED}, so any number of replicas share the queue without taking a job twice; a
 * running job whose worker stops renewing its lease shows up in {@link #expired()}. The contract every job table
 * keeps is {@code docs/jobs.md}.
 *
 * <p>Each statement is one autocommitted round trip through the reactive client; the methods wait for it because
 * their callers are the engine's worker and scheduler threads, never an event loop. Leases are computed by the
 * database's clock, the one every check of them reads.
 */
public final class JobLeases {

    /** Longer than any healthy round trip; a database that does not answer fails the pass, and the next one retries. */
    private static final Duration ROUND_TRIP = Duration.ofSeconds(30);

    private final Pool pool;
    private final AgroalDataSource dataSource;
    private final String table;

    /** Use {@link JobTables#leases(String)}. */
    JobLeases(Pool pool, AgroalDataSource dataSource, String table) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.pool = pool;
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Takes the oldest claimable job for this worker, or nothing. */
    public Optional<UUID> claimNext(String workerId, Duration lease) {
        RowSet<Row> rows = await(pool.preparedQuery("UPDATE " + table
                        + " SET status = 'RUNNING', attempt = attempt + 1, worker = $1,"
                        + " lease_until = now() + $2 * interval '1 millisecond', started_at = coalesce(started_at, now())"
                        + " WHERE id = (SELECT id FROM " + table + " WHERE status = 'PENDING'"
                        + " AND (not_before IS NULL OR not_before <= now())"
                        + " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")
                .execute(Tuple.of(workerId, lease.toMillis())));
        return rows.size() == 0
                ? Optional.empty()
                : Optional.of(rows.iterator().next().getUUID(0));
    }

    /** Extends the lease of the jobs this worker is running. */
    public void renew(String workerId, Collection<UUID> ids, Duration lease) {
        if (ids.isEmpty()) {
            return;
        }
        await(pool.preparedQuery("UPDATE " + table + " SET lease_until = now() + $1 * interval '1 millisecond'"
                        + " WHERE status = 'RUNNING' AND worker = $2 AND id = ANY ($3)")
                .execute(Tuple.of(lease.toMillis(), workerId, ids.toArray(new UUID[0]))));
    }

    /** Running jobs whose lease ran out: their worker died (or stalled past its lease). */
    public List<UUID> expired() {
        RowSet<Row> rows =
                await(pool.query("SELECT id FROM " + table + " WHERE status = 'RUNNING' AND lease_until < now()")
                        .execute());
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID(0)));
        return ids;
    }

    /**
     * Puts a running job back in the queue, claimable from {@code notBefore} on (at once when null), without a worker
     * or lease; false when it was no longer running. Joins the caller's transaction when there is one, so a service
     * resets its own columns (a phase, say) in the same commit and no claim sees the job half re-queued. (JDBC, like
     * the transactions of the services that re-queue; it moves to the reactive client with them.)
     */
    public boolean requeue(UUID id, Instant notBefore) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement("UPDATE " + table
                            + " SET status = 'PENDING', worker = NULL, lease_until = NULL, not_before = ? "
                            + "WHERE id = ? AND status = 'RUNNING'")) {
                st.setTimestamp(1, notBefore == null ? null : Timestamp.from(notBefore));
                st.setObject(2, id);
                return st.executeUpdate() == 1;
            }
        });
    }

    /** Whether a job is running under a lease that has not run out (its worker is alive). */
    public boolean isLive(UUID id) {
        return rowWhere(id, "status = 'RUNNING' AND lease_until > now()");
    }

    /**
     * Whether a job is ours (its row is in this table) and no worker is at it: ended, waiting to run again, or running
     * under a lease that ran out. An id this table does not know is never abandoned: on a data-plane host shared with
     * another deployment, it is that deployment's.
     */
    public boolean isAbandoned(UUID id) {
        return rowWhere(id, "NOT (status = 'RUNNING' AND lease_until > now())");
    }

    /** Whether a job is ours (its row is in this table) and ended: neither waiting to run nor running. */
    public boolean hasEnded(UUID id) {
        return rowWhere(id, "status NOT IN ('PENDING', 'RUNNING')");
    }

    private boolean rowWhere(UUID id, String condition) {
        return await(pool.preparedQuery("SELECT 1 FROM " + table + " WHERE id = $1 AND " + condition)
                                .execute(Tuple.of(id)))
                        .size()
                > 0;
    }

    private static <T> T await(Uni<T> roundTrip) {
        return roundTrip.await().atMost(ROUND_TRIP);
    }
}
