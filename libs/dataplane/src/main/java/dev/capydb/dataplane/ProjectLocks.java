package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Per-project advisory locks on the host's maintenance database. Each lock owns a dedicated
 * connection, so a worker that dies releases its lock with its connection.
 */
public class ProjectLocks {

    private static final Logger LOG = Logger.getLogger(ProjectLocks.class);

    /**
     * One connection per host kept ready: opening one (TCP + SCRAM) takes 10-25 ms, the lock query under 1 ms, and every
     * backup, restore and import waits for its lock before it starts. A spare holds no lock until handed out; a released
     * lock's connection becomes the next spare, so back-to-back jobs open no connection at all (opening one in the
     * background meanwhile would take CPU from the very dump or restore that just started).
     */
    final Map<String, Connection> spares = new ConcurrentHashMap<>();

    private static final int SPARE_CHECK_SECONDS = 2;
    private final ExecutorService opener = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "capydb-lock-spare");
        t.setDaemon(true);
        return t;
    });

    /** The advisory lock key of a project: both halves of its UUID folded into one bigint. */
    public static long key(UUID projectId) {
        return projectId.getMostSignificantBits() ^ projectId.getLeastSignificantBits();
    }

    /** Takes the lock now or fails with {@link ProjectBusyException}; never waits. */
    public ProjectLock acquire(DatabaseHost host, UUID projectId, LockMode mode)
            throws ProjectBusyException, SQLException {
        Connection spare = spares.remove(host.id());
        if (spare == null) {
            openSpareLater(host); // for the next job; this one's connection comes back only when it is released
        }
        // A spare may have died while it waited (server restart, a network path that dropped it silently): one round
        // trip, bounded, says so before it is trusted with a lock; then a fresh connection is taken instead.
        if (spare != null && spare.isValid(SPARE_CHECK_SECONDS)) {
            try {
                return tryLock(host.id(), spare, projectId, mode);
            } catch (SQLException e) {
                LOG.debugf("spare lock connection to %s failed: %s", host.id(), e.getMessage());
            }
        } else if (spare != null) {
            closeQuietly(spare);
        }
        return tryLock(host.id(), host.maintenanceConnection(), projectId, mode);
    }

    /** Keeps an unlocked connection as the host's spare, unless it already has one. */
    private void giveBack(String hostId, Connection connection) {
        if (spares.putIfAbsent(hostId, connection) != null) {
            closeQuietly(connection);
        }
    }

    private void openSpareLater(DatabaseHost host) {
        opener.execute(() -> {
            if (spares.containsKey(host.id())) {
                return;
            }
            try {
                Connection fresh = host.maintenanceConnection();
                if (spares.putIfAbsent(host.id(), fresh) != null) {
                    fresh.close();
                }
            } catch (SQLException e) {
                LOG.debugf("cannot open a spare lock connection to %s: %s", host.id(), e.getMessage());
            }
        });
    }

    /** Waits until spares being opened in the background are in place (tests). */
    void awaitSpares() throws Exception {
        opener.submit(() -> {}).get();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // It held no lock; nothing to release.
        }
    }

    private ProjectLock tryLock(String hostId, Connection connection, UUID projectId, LockMode mode)
            throws ProjectBusyException, SQLException {
        boolean held;
        try (PreparedStatement st = connection.prepareStatement("SELECT " + mode.tryFunction + "(?)")) {
            st.setLong(1, key(projectId));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw e;
        }
        if (!held) {
            giveBack(hostId, connection); // it took nothing: as good a spare as before
            throw new ProjectBusyException(projectId, mode);
        }
        return new ProjectLock(projectId, mode, connection, c -> giveBack(hostId, c));
    }

    /** A held project lock; closing it releases the lock, and its connection goes back to being a spare. */
    public static final class ProjectLock implements AutoCloseable {
        private final UUID projectId;
        private final LockMode mode;
        private final Connection connection;
        private final Consumer<Connection> released;

        ProjectLock(UUID projectId, LockMode mode, Connection connection, Consumer<Connection> released) {
            this.projectId = projectId;
            this.mode = mode;
            this.connection = connection;
            this.released = released;
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
            // Unlocking explicitly (rather than only closing, which frees the lock once the server's backend has
            // exited, a few ms later) means the next job finds it free at once, and leaves the connection reusable.
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_unlock_all()");
            } catch (SQLException e) {
                closeQuietly(connection); // the connection is gone, and with it the lock
                return;
            }
            released.accept(connection);
        }
    }
}
