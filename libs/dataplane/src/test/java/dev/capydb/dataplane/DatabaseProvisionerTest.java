package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Provisioning on the real host: the role can use its database, nobody else can, drop removes both. */
class DatabaseProvisionerTest {

    private final DatabaseProvisioner provisioner = new DatabaseProvisioner();
    private final DatabaseHost host = TestHosts.local1();

    private Connection connectAs(String db, String user, String password) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host.address() + ":" + host.port() + "/" + db, user, password);
    }

    @Test
    void createdDatabaseBelongsToItsRoleAlone() throws Exception {
        String db = TestHosts.uniqueName("dp_test");
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        try {
            assertTrue(provisioner.exists(host, db));
            try (Connection c = connectAs(db, db, password);
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int primary key)");
                st.execute("INSERT INTO t VALUES (1), (2)");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertEquals(2, rs.getInt(1));
                }
            }
            assertThrows(
                    SQLException.class,
                    () -> connectAs(db, db, "wrong-password-000000").close());

            String other = TestHosts.uniqueName("dp_other");
            provisioner.create(host, other, other, Passwords.generate());
            try {
                String otherPassword = Passwords.generate();
                try (Connection admin = host.maintenanceConnection();
                        Statement st = admin.createStatement()) {
                    st.execute("ALTER ROLE " + other + " PASSWORD '" + otherPassword + "'");
                }
                // pg_hba admits a tenant's role to the database of its own name only (dev/stack's data-plane hosts).
                SQLException refused = assertThrows(
                        SQLException.class,
                        () -> connectAs(db, other, otherPassword).close());
                assertTrue(refused.getMessage().contains("no pg_hba.conf entry"), refused.getMessage());
            } finally {
                provisioner.drop(host, other, other);
            }
        } finally {
            provisioner.drop(host, db, db);
        }
        assertFalse(provisioner.exists(host, db));
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + db + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "role should be dropped");
        }
    }

    @Test
    void dropAlsoRemovesCopiesTheRoleStillOwns() throws Exception {
        String db = TestHosts.uniqueName("dp_kept");
        provisioner.create(host, db, db, Passwords.generate());
        String retired = db + "_old_1";
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement()) {
            // What a restore leaves behind for its safety window: the replaced database, still owned by the role.
            st.execute("CREATE DATABASE " + retired + " OWNER " + db);
        }
        provisioner.drop(host, db, db);
        assertFalse(provisioner.exists(host, db));
        assertFalse(provisioner.exists(host, retired));
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + db + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the role is gone too");
        }
    }

    @Test
    void recreateStartsOverFromNothingWithTheNewPassword() throws Exception {
        String db = TestHosts.uniqueName("dp_again");
        String first = Passwords.generate();
        provisioner.recreate(host, db, db, first); // nothing to drop the first time
        try {
            try (Connection c = connectAs(db, db, first);
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE leftover (id int)");
            }
            String second = Passwords.generate();
            provisioner.recreate(host, db, db, second);
            assertThrows(SQLException.class, () -> connectAs(db, db, first).close());
            try (Connection c = connectAs(db, db, second);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "an attempt's leftovers are gone");
            }
        } finally {
            provisioner.drop(host, db, db);
        }
    }

    @Test
    void dropTerminatesOpenSessions() throws Exception {
        String db = TestHosts.uniqueName("dp_busy");
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        try (Connection open = connectAs(db, db, password)) {
            provisioner.drop(host, db, db);
            assertFalse(provisioner.exists(host, db));
        }
    }

    @Test
    void unsafeNamesNeverReachTheServer() {
        assertThrows(
                IllegalArgumentException.class,
                () -> provisioner.create(host, "x\"; DROP DATABASE postgres; --", "r", Passwords.generate()));
        assertThrows(IllegalArgumentException.class, () -> Identifiers.quote("Upper"));
        assertThrows(IllegalArgumentException.class, () -> Identifiers.passwordLiteral("short"));
        assertThrows(IllegalArgumentException.class, () -> Identifiers.passwordLiteral("it's-a-quote-0000000"));
        assertEquals("\"prj_ab12\"", Identifiers.quote("prj_ab12"));
    }
}
