package dev.capydb.dataplane;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * A throw-away login that acts as a tenant's role: the one way platform code works inside a database whose contents
 * a tenant controls (a project, a preview, a scratch database after a tenant's dump was loaded into it).
 *
 * <p>Anything a tenant planted there (a shadowing operator, a function in a CHECK constraint, a default or an index
 * expression) runs as whoever runs our SQL. A superuser session cannot be narrowed after the fact: {@code SET ROLE}
 * and {@code SET SESSION AUTHORIZATION} are undone by a single {@code RESET ROLE} in the tenant's function. So the
 * session itself must not be a superuser: this login is {@code NOSUPERUSER}, a member of the tenant's role only
 * (plus {@link HostHardening#JOBS_GROUP}, which holds no privileges and only lets {@code pg_hba} admit it to other
 * databases than its own name), and every session of it starts as the tenant's role ({@code ALTER ROLE … SET role}),
 * so even a {@code RESET ROLE} lands on the tenant's role. Whatever runs can do no more than the tenant could.
 *
 * <p>The password is random and lives only in this object; the login expires on its own ({@code VALID UNTIL}) and
 * {@link HostHardening} drops expired leftovers of a crashed worker.
 */
public final class TenantLogin implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TenantLogin.class);
    /** Pinned on every JDBC session we open: nothing a tenant creates in a schema is ever found by name. */
    static final String SAFE_SEARCH_PATH = "-c search_path=pg_catalog,pg_temp";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseHost host;
    private final String database;
    private final String owner;
    private final String role;
    private final String password;

    private TenantLogin(DatabaseHost host, String database, String owner, String role, String password) {
        this.host = host;
        this.database = database;
        this.owner = owner;
        this.role = role;
        this.password = password;
    }

    /**
     * Creates login {@code role} on {@code host}, acting as {@code owner}, for work in {@code database}; the caller
     * names it (a prefix and its job's id) so that a sweep can tell whose it was.
     */
    public static TenantLogin create(DatabaseHost host, String database, String owner, String role)
            throws SQLException {
        String password = Passwords.generate();
        String r = Identifiers.quote(role);
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            // One round trip: a job waits for this before its tool starts.
            st.execute(HostHardening.ensureJobsGroupSql() + "; DROP ROLE IF EXISTS " + r + "; CREATE ROLE " + r
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 8"
                    + " VALID UNTIL " + HostHardening.expiry() + " PASSWORD " + Identifiers.passwordLiteral(password)
                    + " IN ROLE " + Identifiers.quote(owner) + ", " + HostHardening.JOBS_GROUP
                    + "; ALTER ROLE " + r + " SET role = " + Identifiers.quote(owner));
        }
        return new TenantLogin(host, database, owner, role, password);
    }

    /** A fresh login name for one piece of work, {@code <purpose>_<random hex>}. */
    public static String newName(String purpose) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return purpose + "_" + HexFormat.of().formatHex(random);
    }

    /** {@link #create} under a {@link #newName fresh name}. */
    public static TenantLogin create(DatabaseHost host, String database, String owner) throws SQLException {
        return create(host, database, owner, newName("job"));
    }

    public String role() {
        return role;
    }

    /** A JDBC session in the database as this login (so as the tenant's role), autocommit on. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "capydb-dataplane");
        props.setProperty("options", SAFE_SEARCH_PATH);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host.address() + ":" + host.port() + "/" + database, props);
    }

    /** Environment for a client tool ({@code pg_restore}, {@code psql}) acting as this login; never argv. */
    public Map<String, String> toolEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", host.toolHost());
        env.put("PGPORT", Integer.toString(host.port()));
        env.put("PGUSER", role);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        env.put("PGPASSFILE", "/dev/null");
        env.put("PGCONNECT_TIMEOUT", "10");
        return env;
    }

    /** Ends the login's sessions and drops it, with whatever a tenant granted it; never throws. */
    @Override
    public void close() {
        drop(host, owner, role);
    }

    /**
     * Drops a login: its sessions end; where it owns something or holds a privilege (a tenant may grant to any role,
     * which would block {@code DROP ROLE}), that goes to {@code owner} (when known) or is dropped, in each database
     * the shared catalog names, so the usual case, a login that holds nothing, costs no extra connection.
     */
    public static void drop(DatabaseHost host, String owner, String role) {
        String r = Identifiers.quote(role);
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE usename = ?")) {
                ps.setString(1, role);
                ps.execute();
            }
            for (String database : databasesHolding(c, role)) {
                try (Connection in = host.adminConnection(database);
                        Statement s = in.createStatement()) {
                    if (owner != null) {
                        s.execute("REASSIGN OWNED BY " + r + " TO " + Identifiers.quote(owner));
                    }
                    s.execute("DROP OWNED BY " + r);
                }
            }
            st.execute("DROP ROLE IF EXISTS " + r);
        } catch (SQLException e) {
            LOG.warnf(
                    "cannot drop the job login %s on %s (it expires on its own): %s", role, host.id(), e.getMessage());
        }
    }

    /** Databases where the role owns or holds something; a shared object's entry (no database) names the current one. */
    private static List<String> databasesHolding(Connection c, String role) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT CASE WHEN s.dbid OPERATOR(pg_catalog.=) 0 "
                + "THEN pg_catalog.current_database() ELSE d.datname END FROM pg_catalog.pg_shdepend s "
                + "JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) s.refobjid "
                + "AND s.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass "
                + "LEFT JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) s.dbid "
                + "WHERE r.rolname OPERATOR(pg_catalog.=) ?::pg_catalog.name")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }
}
