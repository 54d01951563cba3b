package dev.capydb.restore.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The point-in-time window of a project's host: from the oldest base backup (base_backup.completed) to the newest
 * archived WAL ({@code pg_stat_archiver} on the host). A region without WAL archiving has no window.
 */
@ApplicationScoped
public class PitrWindow {

    /** [earliest, latest]; {@code latest} is the last archived WAL, or null when none was archived yet. */
    public record Window(Instant earliest, Instant latest) {
        public boolean contains(Instant t) {
            return !t.isBefore(earliest) && (latest == null || !t.isAfter(latest));
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
            throw new ApiException(422, "pitr_unavailable", "region " + project.region()
                    + " does not archive WAL, so point-in-time recovery is not available there");
        }
        Optional<Instant> earliest = earliestBaseBackup(project.hostId());
        return earliest.map(e -> new Window(e, lastArchived(hosts.host(project.hostId()))));
    }

    /** Checks {@code t} against the window ({@code 422 target_outside_window}, naming the window). */
    public void require(ProjectView project, Instant t) {
        Optional<Window> w = of(project);
        if (w.isEmpty()) {
            throw new ApiException(422, "target_outside_window", "no base backup of this project's host exists yet, "
                    + "so there is no point-in-time window; try again after the first base backup");
        }
        if (!w.get().contains(t)) {
            throw new ApiException(422, "target_outside_window", t + " is outside the point-in-time window ["
                    + w.get().earliest() + ", " + (w.get().latest() == null ? "now" : w.get().latest()) + "]");
        }
    }

    /** In the caller's transaction. */
    public void baseBackupSeen(UUID id, String hostId, Instant startTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO known_base_backup (id, host_id, start_time) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            st.setObject(1, id);
            st.setString(2, hostId);
            st.setTimestamp(3, Timestamp.from(startTime));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Instant> earliestBaseBackup(String hostId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT min(start_time) FROM known_base_backup WHERE host_id = ?")) {
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
        try (Connection c = host.maintenanceConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT last_archived_time FROM pg_stat_archiver");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw new ApiException(503, "host_unavailable", "the database host did not answer; try again");
        }
    }

    /** Ends the current WAL segment (so "now" becomes archivable) and returns the current LSN. */
    public String switchWalAndLsn(ProjectView project) {
        try (Connection c = hosts.host(project.hostId()).maintenanceConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT pg_current_wal_lsn()::text FROM (SELECT pg_switch_wal()) s");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new ApiException(503, "host_unavailable", "the database host did not answer; try again");
        }
    }
}
