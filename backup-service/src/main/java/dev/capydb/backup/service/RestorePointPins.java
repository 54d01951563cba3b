package dev.capydb.backup.service;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Which backups restore points name (from restore_point.* events): those are never removed. */
@ApplicationScoped
public class RestorePointPins {

    private final AgroalDataSource dataSource;

    public RestorePointPins(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean isPinned(String backupKey) {
        return query("SELECT 1 FROM restore_point_pin WHERE backup_key = ?", backupKey);
    }

    /** In the caller's transaction. */
    public void pin(UUID restorePointId, UUID projectId, String backupKey) {
        update(
                "INSERT INTO restore_point_pin (restore_point_id, project_id, backup_key) VALUES (?, ?, ?) "
                        + "ON CONFLICT (restore_point_id) DO NOTHING",
                restorePointId,
                projectId,
                backupKey);
    }

    /** In the caller's transaction. */
    public void unpin(UUID restorePointId) {
        update("DELETE FROM restore_point_pin WHERE restore_point_id = ?", restorePointId);
    }

    private boolean query(String sql, Object arg) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
