package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Replaces a database by another on the same host in one short step: new connections are refused, sessions are
 * ended (or they would keep writing into the old data under its new name), then both renames commit together.
 * The old database is kept under {@code retiredName}. If the swap cannot commit, the target is reopened as it was.
 */
public class DatabaseSwap {

    private static final int ATTEMPTS = 5;

    /** How long the target refused connections. */
    public record Result(long unavailableMillis) {}

    public Result swap(DatabaseHost host, String target, String replacement, String retiredName) throws SQLException {
        String t = Identifiers.quote(target);
        String r = Identifiers.quote(replacement);
        String old = Identifiers.quote(retiredName);
        try (Connection c = host.maintenanceConnection()) {
            long start = System.nanoTime();
            exec(c, "ALTER DATABASE " + t + " WITH ALLOW_CONNECTIONS false");
            SQLException last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                    st.setString(1, target);
                    st.execute();
                }
                try {
                    c.setAutoCommit(false);
                    exec(c, "ALTER DATABASE " + t + " RENAME TO " + old);
                    exec(c, "ALTER DATABASE " + r + " RENAME TO " + t);
                    exec(c, "ALTER DATABASE " + t + " WITH ALLOW_CONNECTIONS true");
                    c.commit();
                    return new Result((System.nanoTime() - start) / 1_000_000);
                } catch (SQLException e) {
                    c.rollback();
                    last = e;
                } finally {
                    c.setAutoCommit(true);
                }
                sleep(50L * attempt);
            }
            exec(c, "ALTER DATABASE " + t + " WITH ALLOW_CONNECTIONS true");
            throw new SQLException(
                    "could not swap " + target + " after " + ATTEMPTS + " attempts: "
                            + (last == null ? "unknown" : last.getMessage()),
                    last);
        }
    }

    /** Creates an empty database owned by {@code owner} and closed to other roles, to load a replacement into. */
    public void createScratch(DatabaseHost host, String name, String owner) throws SQLException {
        try (Connection c = host.maintenanceConnection()) {
            exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
            exec(c, "CREATE DATABASE " + Identifiers.quote(name) + " OWNER " + Identifiers.quote(owner));
            exec(c, "REVOKE ALL ON DATABASE " + Identifiers.quote(name) + " FROM PUBLIC");
        }
    }

    public void drop(DatabaseHost host, String name) throws SQLException {
        try (Connection c = host.maintenanceConnection()) {
            exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
        }
    }

    public long size(DatabaseHost host, String name) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT pg_database_size(?)")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
