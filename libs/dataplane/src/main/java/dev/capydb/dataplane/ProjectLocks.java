package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Per-project advisory locks on the host's maintenance database. Each lock owns a dedicated
 * connection, so a worker that dies releases its lock with its connection.
 */
public class ProjectLocks {

    /** The advisory lock key of a project: both halves of its UUID folded into one bigint. */
    public static long key(UUID projectId) {
        return projectId.getMostSignificantBits() ^ projectId.getLeastSignificantBits();
    }

    /** Takes the lock now or fails with {@link ProjectBusyException}; never waits. */
    public ProjectLock acquire(DatabaseHost host, UUID projectId, LockMode mode)
            throws ProjectBusyException, SQLException {
        Connection connection = host.maintenanceConnection();
        boolean held = false;
        try (PreparedStatement st = connection.prepareStatement("SELECT " + mode.tryFunction + "(?)")) {
            st.setLong(1, key(projectId));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
            }
        } finally {
            if (!held) {
                connection.close();
            }
        }
        if (!held) {
            throw new ProjectBusyException(projectId, mode);
        }
        return new ProjectLock(projectId, mode, connection);
    }

    /** A held project lock; closing it releases the lock by closing its connection. */
    public static final class ProjectLock implements AutoCloseable {
        private final UUID projectId;
        private final LockMode mode;
        private final Connection connection;

        ProjectLock(UUID projectId, LockMode mode, Connection connection) {
            this.projectId = projectId;
            this.mode = mode;
            this.connection = connection;
        }

        public UUID projectId() {
            return projectId;
        }

        public LockMode mode() {
            return mode;
        }

        /** Whether the lock's connection is still alive (the lock dies with it). */
        public boolean isHeld() {
            try {
                return connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The server drops the session's advisory locks with the connection either way.
            }
        }
    }
}
