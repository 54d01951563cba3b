package dev.capydb.chassis.jobs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 */
public final class JobLeases {

    private final AgroalDataSource dataSource;
    private final String table;

    public JobLeases(AgroalDataSource dataSource, String table) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Takes the oldest claimable job for this worker, or nothing. */
    public Optional<UUID> claimNext(String workerId, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement("UPDATE " + table
                            + " SET status = 'RUNNING', attempt = attempt + 1, worker = ?, lease_until = ?, "
                            + "started_at = coalesce(started_at, now()) "
                            + "WHERE id = (SELECT id FROM " + table + " WHERE status = 'PENDING' "
                            + "AND (not_before IS NULL OR not_before <= now()) "
                            + "ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")) {
                st.setString(1, workerId);
                st.setTimestamp(2, Timestamp.from(Instant.now().plus(lease)));
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    /** Extends the lease of the jobs this worker is running. */
    public void renew(String workerId, Collection<UUID> ids, Duration lease) {
        if (ids.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement("UPDATE " + table
                            + " SET lease_until = ? WHERE status = 'RUNNING' AND worker = ? AND id = ANY (?)")) {
                st.setTimestamp(1, Timestamp.from(Instant.now().plus(lease)));
                st.setString(2, workerId);
                st.setArray(3, c.createArrayOf("uuid", ids.toArray()));
                st.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Running jobs whose lease ran out: their worker died (or stalled past its lease). */
    public List<UUID> expired() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<UUID> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement(
                            "SELECT id FROM " + table + " WHERE status = 'RUNNING' AND lease_until < now()");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        });
    }

    /**
     * Puts a running job back in the queue, claimable from {@code notBefore} on (at once when null), without a worker
     * or lease; false when it was no longer running. Joins the caller's transaction when there is one, so a service
     * resets its own columns (a phase, say) in the same commit and no claim sees the job half re-queued.
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
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st =
                            c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ? AND " + condition)) {
                st.setObject(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}
