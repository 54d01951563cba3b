package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Creates and drops a database with its own login role on a host. */
public class DatabaseProvisioner {

    /**
     * Creates role {@code roleName} with {@code password} and database {@code databaseName} owned by it; the
     * database is closed to other roles. On failure nothing is left behind.
     */
    public void create(DatabaseHost host, String databaseName, String roleName, String password) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            create(st, databaseName, roleName, password);
        }
    }

    /**
     * {@link #drop} then {@link #create} on one connection: a job that provisions again after a crash starts from
     * nothing, without paying for a second connection (TCP + SCRAM) on every run.
     */
    public void recreate(DatabaseHost host, String databaseName, String roleName, String password) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            drop(c, st, databaseName, roleName);
            create(st, databaseName, roleName, password);
        }
    }

    private static void create(Statement st, String databaseName, String roleName, String password)
            throws SQLException {
        String db = Identifiers.quote(databaseName);
        String role = Identifiers.quote(roleName);
        st.execute("CREATE ROLE " + role + " LOGIN PASSWORD " + Identifiers.passwordLiteral(password));
        try {
            // CREATE DATABASE cannot run inside a transaction: each statement here autocommits.
            st.execute("CREATE DATABASE " + db + " OWNER " + role);
            st.execute("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
            st.execute("GRANT ALL ON DATABASE " + db + " TO " + role);
        } catch (SQLException e) {
            dropQuietly(st, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            dropQuietly(st, "DROP ROLE IF EXISTS " + role);
            throw e;
        }
    }

    /**
     * Drops the database (terminating its sessions), every other database the role owns (copies a restore kept
     * for its safety window — the role cannot be dropped while it owns them), and the role; absent ones are fine.
     */
    public void drop(DatabaseHost host, String databaseName, String roleName) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            drop(c, st, databaseName, roleName);
        }
    }

    private static void drop(Connection c, Statement st, String databaseName, String roleName) throws SQLException {
        st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(databaseName) + " WITH (FORCE)");
        List<String> owned = new ArrayList<>();
        try (var q = c.prepareStatement(
                "SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba " + "WHERE r.rolname = ?")) {
            q.setString(1, roleName);
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    owned.add(rs.getString(1));
                }
            }
        }
        for (String other : owned) {
            st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(other) + " WITH (FORCE)");
        }
        st.execute("DROP ROLE IF EXISTS " + Identifiers.quote(roleName));
    }

    /** Whether a database of that name exists on the host. */
    public boolean exists(DatabaseHost host, String databaseName) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                var st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, databaseName);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void dropQuietly(Statement st, String sql) {
        try {
            st.execute(sql);
        } catch (SQLException ignored) {
            // Best effort: the original failure is what the caller needs to see.
        }
    }
}
