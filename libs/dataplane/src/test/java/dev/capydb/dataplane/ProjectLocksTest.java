package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Advisory project locks on the real host: exclusive vs shared, release on close and on a dead connection. */
class ProjectLocksTest {

    private final ProjectLocks locks = new ProjectLocks();
    private final DatabaseHost host = TestHosts.local1();

    @Test
    void exclusiveExcludesEverythingElse() throws Exception {
        UUID project = UUID.randomUUID();
        try (var held = locks.acquire(host, project, LockMode.EXCLUSIVE)) {
            assertTrue(held.isHeld());
            assertThrows(ProjectBusyException.class, () -> locks.acquire(host, project, LockMode.EXCLUSIVE));
            assertThrows(ProjectBusyException.class, () -> locks.acquire(host, project, LockMode.SHARED));
            // Another project is not affected.
            locks.acquire(host, UUID.randomUUID(), LockMode.EXCLUSIVE).close();
        }
        locks.acquire(host, project, LockMode.EXCLUSIVE).close();
    }

    @Test
    void sharedLocksCoexistButKeepOverwritesOut() throws Exception {
        UUID project = UUID.randomUUID();
        try (var a = locks.acquire(host, project, LockMode.SHARED);
             var b = locks.acquire(host, project, LockMode.SHARED)) {
            assertThrows(ProjectBusyException.class, () -> locks.acquire(host, project, LockMode.EXCLUSIVE));
        }
        locks.acquire(host, project, LockMode.EXCLUSIVE).close();
    }

    @Test
    void aSpareConnectionThatDiedWhileWaitingIsReplacedByAFreshOne() throws Exception {
        ProjectLocks fresh = new ProjectLocks();
        fresh.acquire(host, UUID.randomUUID(), LockMode.SHARED).close();   // opens the spare in the background
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!fresh.spares.containsKey(host.id()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(fresh.spares.containsKey(host.id()), "a spare connection is opened after a lock is taken");
        Connection spare = fresh.spares.get(host.id());
        int pid = spare.unwrap(org.postgresql.PGConnection.class).getBackendPID();
        try (Connection admin = host.maintenanceConnection(); Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        Thread.sleep(100);
        UUID project = UUID.randomUUID();
        try (var held = fresh.acquire(host, project, LockMode.EXCLUSIVE)) {
            assertTrue(held.isHeld());
            assertThrows(ProjectBusyException.class, () -> locks.acquire(host, project, LockMode.SHARED));
        }
        locks.acquire(host, project, LockMode.SHARED).close();
    }

    @Test
    void aDeadWorkersLockDiesWithItsConnection() throws Exception {
        UUID project = UUID.randomUUID();
        var held = locks.acquire(host, project, LockMode.EXCLUSIVE);
        // Simulate the worker's process dying: the server ends its session.
        try (Connection admin = host.maintenanceConnection(); Statement st = admin.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks "
                    + "WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = "
                    + ProjectLocks.key(project))) {
                assertTrue(rs.next(), "the lock should be visible in pg_locks");
            }
        }
        Thread.sleep(200);
        assertFalse(held.isHeld());
        locks.acquire(host, project, LockMode.EXCLUSIVE).close();
        held.close();
    }
}
