package dev.capydb.project.service;

import dev.capydb.dataplane.DatabaseHost;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * The point-in-time window shown on a project: from the end of the oldest live base backup of its host
 * (base_backup.completed, until base_backup.expired) to the newest WAL the host archived ({@code pg_stat_archiver});
 * null ends while unknown.
 */
@ApplicationScoped
public class PitrWindows {

    /** [earliest, latest]. */
    public record Window(Instant earliest, Instant latest) {}

    private final AgroalDataSource dataSource;

    public PitrWindows(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** In the caller's transaction. */
    public void baseBackupSeen(UUID id, String hostId, Instant start, Instant end) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "INSERT INTO base_backup_seen (id, host_id, start_time, end_time) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (id) DO NOTHING")) {
            st.setObject(1, id);
            st.setString(2, hostId);
            st.setTimestamp(3, Timestamp.from(start));
            st.setTimestamp(4, Timestamp.from(end));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** In the caller's transaction. */
    public void baseBackupExpired(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "UPDATE base_backup_seen SET expired_at = now() WHERE id = ? AND expired_at IS NULL")) {
            st.setObject(1, id);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Window of(DatabaseHost host) {
        Instant earliest = null;
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT min(coalesce(end_time, start_time)) FROM base_backup_seen WHERE host_id = ? AND expired_at IS NULL")) {
            st.setString(1, host.id());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                earliest = t == null ? null : t.toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (earliest == null) {
            return new Window(null, null);
        }
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT last_archived_time FROM pg_stat_archiver");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return new Window(earliest, t == null ? null : t.toInstant());
        } catch (SQLException e) {
            // The host is down: show what is known rather than failing the whole project view.
            return new Window(earliest, null);
        }
    }
}
