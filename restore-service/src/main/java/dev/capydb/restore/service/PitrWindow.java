package dev.capydb.restore.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.events.BaseBackupPayload;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The point-in-time window of a project's host: from the end of its oldest live base backup (base_backup.completed,
 * until base_backup.expired) to the newest archived WAL ({@code pg_stat_archiver} on the host). A region without WAL
 * archiving has no window.
 */
@ApplicationScoped
public class PitrWindow {

    /**
     * [earliest, latest]; {@code latest} is the last archived WAL (null when none was archived yet). Any moment up to
     * now is reachable too: a restore ends the current WAL segment first, so it gets archived.
     */
    public record Window(Instant earliest, Instant latest) {
        public boolean contains(Instant t) {
            return !t.isBefore(earliest) && !t.isAfter(Instant.now());
        }
    }

    private final AgroalDataSource dataSource;
    private final HostRegistry hosts;

    public PitrWindow(AgroalDataSource dataSource, HostRegistry hosts) {
        this.dataSource = dataSource;
        this.hosts = hosts;
    }

    /** Refuses projects whose region has no PITR ({@code 422 pitr_unavailable}). */
    public Optional<Window> of(ProjectView project) {
        if (!project.pitrAvailable()) {
            throw new ApiException(
                    422,
                    "pitr_unavailable",
                    "region " + project.region()
                            + " does not archive WAL, so point-in-time recovery is not available there");
        }
        Optional<Instant> earliest = earliestBaseBackup(project.hostId());
        return earliest.map(e -> new Window(e, lastArchived(hosts.host(project.hostId()))));
    }

    /** Checks {@code t} against the window ({@code 422 target_outside_window}, naming the window). */
    public void require(ProjectView project, Instant t) {
        Optional<Window> w = of(project);
        if (w.isEmpty()) {
            throw new ApiException(
                    422,
                    "target_outside_window",
                    "no base backup of this project's host exists yet, "
                            + "so there is no point-in-time window; try again after the first base backup");
        }
        if (!w.get().contains(t)) {
            throw new ApiException(
                    422,
                    "target_outside_window",
                    t + " is outside the point-in-time window [" + w.get().earliest() + ", "
                            + (w.get().latest() == null ? "now" : w.get().latest()) + "]");
        }
    }

    /** In the caller's transaction. */
    public void baseBackupSeen(BaseBackupPayload b) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "INSERT INTO known_base_backup (id, host_id, start_time, object_key, label, kind, end_time) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            st.setObject(1, b.baseBackupId());
            st.setString(2, b.hostId());
            st.setTimestamp(3, Timestamp.from(b.startTime()));
            st.setString(4, b.key());
            st.setString(5, b.label());
            st.setString(6, b.kind());
            st.setTimestamp(7, Timestamp.from(b.endTime()));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** In the caller's transaction: no restore starts from it any more. */
    public void baseBackupExpired(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "UPDATE known_base_backup SET expired_at = now() WHERE id = ? AND expired_at IS NULL")) {
            st.setObject(1, id);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a PITR starts: a pgBackRest backup set ({@code label}) or an old-style base backup object ({@code objectKey}). */
    public record BaseBackupRef(UUID id, String label, String objectKey) {}

    /**
     * The newest live base backup of the host that ended at or before {@code target}: recovery from a backup can only
     * stop after the backup's own end (its consistency point), so the start time is not enough.
     */
    public Optional<BaseBackupRef> baseBackupBefore(String hostId, Instant target) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT id, label, object_key FROM known_base_backup WHERE host_id = ? AND expired_at IS NULL "
                                + "AND (label IS NOT NULL OR object_key IS NOT NULL) AND " + USABLE_FROM + " <= ? "
                                + "ORDER BY " + USABLE_FROM + " DESC LIMIT 1")) {
            st.setString(1, hostId);
            st.setTimestamp(2, Timestamp.from(target));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.of(new BaseBackupRef(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When a base backup becomes usable; rows recorded before end times were kept have only their start. */
    private static final String USABLE_FROM = "coalesce(end_time, start_time)";

    private Optional<Instant> earliestBaseBackup(String hostId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT min(" + USABLE_FROM
                        + ") FROM known_base_backup WHERE host_id = ? AND expired_at IS NULL "
                        + "AND (label IS NOT NULL OR object_key IS NOT NULL)")) {
            st.setString(1, hostId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return Optional.ofNullable(t).map(Timestamp::toInstant);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant lastArchived(DatabaseHost host) {
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT last_archived_time FROM pg_stat_archiver");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw new ApiException(503, "host_unavailable", "the database host did not answer; try again");
        }
    }

    /**
     * Ends the current WAL segment and waits until the archive holds it, so a target up to now can be replayed.
     */
    public void archiveUpToNow(DatabaseHost host, Duration timeout) throws SQLException {
        String segment;
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            rs.next();
            segment = rs.getString(1);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = host.maintenanceConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")) {
                rs.next();
                String archived = rs.getString(1);
                if (archived.length() >= 24 && archived.substring(0, 24).compareTo(segment) >= 0) {
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new SQLException("WAL segment " + segment + " was not archived within " + timeout);
    }

    /** Ends the current WAL segment (so "now" becomes archivable) and returns the current LSN. */
    public String switchWalAndLsn(ProjectView project) {
        try (Connection c = hosts.host(project.hostId()).maintenanceConnection();
                PreparedStatement st =
                        c.prepareStatement("SELECT pg_current_wal_lsn()::text FROM (SELECT pg_switch_wal()) s");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new ApiException(503, "host_unavailable", "the database host did not answer; try again");
        }
    }
}
