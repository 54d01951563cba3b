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

/** The swap on the real host: sessions of the old database are ended, the new one answers under the old name. */
class DatabaseSwapTest {

    private final DatabaseHost host = TestHosts.local1();
    private final DatabaseProvisioner provisioner = new DatabaseProvisioner();
    private final DatabaseSwap swap = new DatabaseSwap();

    @Test
    void replacesTheDatabaseAndEndsSessionsOfTheOldOne() throws Exception {
        String db = TestHosts.uniqueName("sw");
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        String scratch = db + "_new";
        String retired = db + "_old";
        try {
            try (Connection c = connect(db, password);
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (v text)");
                st.execute("INSERT INTO t VALUES ('old')");
            }
            swap.createScratch(host, scratch, db);
            // The platform loads a scratch database as the tenant's role; the tenant itself cannot reach it.
            try (TenantLogin login = TenantLogin.create(host, scratch, db);
                    Connection c = login.connect();
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.t (v text)");
                st.execute("INSERT INTO public.t VALUES ('new')");
            }
            assertThrows(SQLException.class, () -> connect(scratch, password).close());
            Connection stale = connect(db, password);
            DatabaseSwap.Result result = swap.swap(host, db, scratch, retired);
            assertTrue(result.unavailableMillis() < 5000, "unavailable for " + result.unavailableMillis() + " ms");
            // The session on the old database was ended: it cannot keep writing into retired data.
            assertThrows(SQLException.class, () -> stale.createStatement().execute("INSERT INTO t VALUES ('lost')"));
            stale.close();
            try (Connection c = connect(db, password);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT v FROM t")) {
                rs.next();
                assertEquals("new", rs.getString(1));
            }
            assertTrue(provisioner.exists(host, retired));
            assertFalse(provisioner.exists(host, scratch));
        } finally {
            swap.drop(host, retired);
            swap.drop(host, scratch);
            provisioner.drop(host, db, db);
        }
    }

    @Test
    void aMissingReplacementLeavesTheTargetOpen() throws Exception {
        String db = TestHosts.uniqueName("sw");
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        try {
            assertThrows(SQLException.class, () -> swap.swap(host, db, db + "_none", db + "_old"));
            connect(db, password).close();
        } finally {
            provisioner.drop(host, db, db);
        }
    }

    private Connection connect(String db, String password) throws SQLException {
        String role = db.replaceAll("_(new|old)$", "");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host.address() + ":" + host.port() + "/" + db, role, password);
    }
}
