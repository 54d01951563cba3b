package dev.capydb.restore.repository;

import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.restore.messaging.BackupEventsConsumer;
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

/** The completed backups of each project, learned from {@code backup.completed}: what restores may name. */
@ApplicationScoped
public class KnownBackups {

    /** A completed backup. */
    public record KnownBackup(String backupKey, UUID backupId, UUID projectId, long sizeBytes, String sha256) {}

    private final AgroalDataSource dataSource;
    private final CatchUp catchUp;

    public KnownBackups(AgroalDataSource dataSource, CatchUp catchUp) {
        this.dataSource = dataSource;
        this.catchUp = catchUp;
    }

    /**
     * As {@link #find}, for a request naming a backup: one whose completion this service has not applied yet (the
     * client saw it {@code completed} an instant ago) is looked for again once the consumer has caught up.
     */
    public Optional<KnownBackup> findForRequest(UUID projectId, String key) {
        Optional<KnownBackup> found = find(projectId, key);
        if (found.isEmpty() && catchUp.awaitApplied(BackupEventsConsumer.FEED, projectId.toString())) {
            found = find(projectId, key);
        }
        return found;
    }

    /** In the caller's transaction. */
    public void remember(String key, UUID backupId, UUID projectId, long size, String sha256, Instant completedAt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "INSERT INTO known_backup (backup_key, backup_id, project_id, size_bytes, sha256, completed_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (backup_key) DO NOTHING")) {
            st.setString(1, key);
            st.setObject(2, backupId);
            st.setObject(3, projectId);
            st.setLong(4, size);
            st.setString(5, sha256);
            st.setTimestamp(6, Timestamp.from(completedAt));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backup with this key, only if it belongs to the project (another project's key is unknown here). */
    public Optional<KnownBackup> find(UUID projectId, String key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT backup_key, backup_id, project_id, size_bytes, sha256 FROM known_backup "
                                + "WHERE backup_key = ? AND project_id = ?")) {
            st.setString(1, key);
            st.setObject(2, projectId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.of(new KnownBackup(
                                rs.getString(1),
                                rs.getObject(2, UUID.class),
                                rs.getObject(3, UUID.class),
                                rs.getLong(4),
                                rs.getString(5)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
