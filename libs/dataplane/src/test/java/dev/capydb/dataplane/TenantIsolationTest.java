package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile tenant on a real data-plane host: it reaches no database but its own, cannot stall its project's jobs
 * through the platform's locks, and code it plants runs as itself when the platform works in its database through a
 * {@link TenantLogin}, even when that code tries to leave the role it was given.
 */
class TenantIsolationTest {

    private final DatabaseHost host = TestHosts.local1();
    private final DatabaseProvisioner provisioner = new DatabaseProvisioner();
    private final Path marker = Path.of(System.getProperty("java.io.tmpdir"), "capydb-marker-" + UUID.randomUUID());
    private String db;
    private String password;

    @BeforeEach
    void tenant() throws Exception {
        HostHardening.apply(host);
        db = TestHosts.uniqueName("ti");
        password = Passwords.generate();
        provisioner.create(host, db, db, password);
    }

    @AfterEach
    void drop() throws Exception {
        provisioner.drop(host, db, db);
        Files.deleteIfExists(marker);
    }

    private Connection asTenant(String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host.address() + ":" + host.port() + "/" + database, db, password);
    }

    @Test
    void aTenantReachesOnlyItsOwnDatabase() throws Exception {
        asTenant(db).close();
        String other = TestHosts.uniqueName("ti_other");
        provisioner.create(host, other, other, Passwords.generate());
        try {
            for (String database : new String[] {"postgres", "template1", other}) {
                SQLException refused = assertThrows(
                        SQLException.class, () -> asTenant(database).close(), database);
                assertTrue(refused.getMessage().contains("no pg_hba.conf entry"), refused.getMessage());
            }
        } finally {
            provisioner.drop(host, other, other);
        }
        // Behind pg_hba, the databases themselves are closed to PUBLIC too (a host whose hba is laxer still holds).
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT pg_catalog.has_database_privilege('" + db + "', 'postgres', 'CONNECT'),"
                                + " pg_catalog.has_database_privilege('" + db + "', 'template1', 'CONNECT')")) {
            rs.next();
            assertFalse(rs.getBoolean(1), "a tenant may not connect to the maintenance database");
            assertFalse(rs.getBoolean(2), "a tenant may not connect to template1");
        }
    }

    @Test
    void anAdvisoryLockATenantHoldsDoesNotBlockItsProjectsJobs() throws Exception {
        UUID project = UUID.randomUUID();
        ProjectLocks locks = new ProjectLocks();
        try (Connection c = asTenant(db);
                Statement st = c.createStatement()) {
            // The very key the platform uses, taken in the only database the tenant can reach.
            st.execute("SELECT pg_advisory_lock(" + ProjectLocks.key(project) + ")");
            try (var lock = locks.acquire(host, project, LockMode.EXCLUSIVE)) {
                assertTrue(lock.isHeld());
            }
        }
    }

    @Test
    void codeATenantPlantedRunsAsTheTenantEvenAfterResetRole() throws Exception {
        try (Connection c = asTenant(db);
                Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION public.attack() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN "
                    + "BEGIN RESET ROLE; EXCEPTION WHEN OTHERS THEN NULL; END; "
                    + "IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN "
                    + "COPY (SELECT 1) TO PROGRAM 'touch " + marker + "'; END IF; "
                    + "RETURN current_user || ',' || session_user; END $f$");
            // The operator a platform query like "relname NOT LIKE 'pg_%'" would pick over pg_catalog's.
            st.execute("CREATE FUNCTION public.nlike(name, name) RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN "
                    + "PERFORM public.attack(); RETURN $1::text OPERATOR(pg_catalog.!~~) $2::text; END $f$");
            st.execute("CREATE OPERATOR public.!~~ (LEFTARG = name, RIGHTARG = name, FUNCTION = public.nlike)");
            st.execute("CREATE TABLE public.t (id int CHECK (public.attack() IS NOT NULL))");
            SQLException refused = assertThrows(
                    SQLException.class,
                    () -> st.execute("CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.attack()"));
            assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        }
        try (TenantLogin login = TenantLogin.create(host, db, db);
                Connection c = login.connect();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT public.attack()")) {
                rs.next();
                assertEquals(db + "," + login.role(), rs.getString(1), "RESET ROLE lands on the tenant's role");
            }
            st.execute("INSERT INTO public.t VALUES (1)"); // the CHECK runs the tenant's function
            try (ResultSet rs =
                    st.executeQuery("SELECT count(*) FROM pg_catalog.pg_class WHERE relname NOT LIKE 'pg_%'")) {
                rs.next(); // our pinned search_path never finds the tenant's operator
            }
        }
        assertFalse(Files.exists(marker), "a tenant's code ran as a superuser");
    }

    @Test
    void adminSessionsPinTheirSearchPath() throws Exception {
        try (Connection c = host.adminConnection(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW search_path")) {
            rs.next();
            assertEquals("pg_catalog,pg_temp", rs.getString(1));
        }
    }

    @Test
    void aLoginGoesWithWhatATenantGrantedItAndExpiredLeftoversAreSwept() throws Exception {
        TenantLogin login = TenantLogin.create(host, db, db);
        try (Connection c = asTenant(db);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.mine (id int)");
            st.execute("GRANT SELECT ON public.mine TO " + login.role()); // would block a plain DROP ROLE
        }
        login.close();
        assertFalse(roleExists(login.role()));

        TenantLogin leftover = TenantLogin.create(host, db, db);
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + leftover.role() + " VALID UNTIL '2000-01-01'");
        }
        HostHardening.apply(host);
        assertFalse(roleExists(leftover.role()), "an expired job login is dropped when a service starts");
    }

    private boolean roleExists(String role) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = '" + role + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }
}
