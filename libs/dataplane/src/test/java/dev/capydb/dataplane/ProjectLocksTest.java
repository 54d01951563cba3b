package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Advisory project locks on the real host: exclusive vs shared, release on close and on a dead connection, spares. */
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
    void aReleasedLocksConnectionIsTheNextSpare() throws Exception {
        ProjectLocks fresh = new ProjectLocks();
        Connection spare = spareAfterOneLock(fresh);
        UUID project = UUID.randomUUID();
        try (var held = fresh.acquire(host, project, LockMode.EXCLUSIVE)) {
            assertEquals(List.of(backendPid(spare)), holders(project), "the lock is taken on the spare connection");
            assertFalse(fresh.spares.containsKey(host.id()), "no spare is opened while the last one is in use");
            // Refused: the connection it tried with holds nothing and is kept as the spare, not closed.
            assertThrows(ProjectBusyException.class, () -> fresh.acquire(host, project, LockMode.SHARED));
            fresh.awaitSpares(); // that attempt found no spare, so it also asked for one in the background
            Connection refused = fresh.spares.get(host.id());
            assertTrue(refused != null && refused.isValid(2), "a refused attempt leaves a usable spare");
            fresh.spares.remove(host.id()).close();
        }
        assertSame(spare, fresh.spares.get(host.id()), "the released lock's connection is the spare again");
        assertTrue(holders(project).isEmpty(), "and it holds no lock");
        locks.acquire(host, project, LockMode.EXCLUSIVE).close();
    }

    @Test
    void aSpareConnectionThatDiedWhileWaitingIsReplacedByAFreshOne() throws Exception {
        ProjectLocks fresh = new ProjectLocks();
        int pid = backendPid(spareAfterOneLock(fresh));
        // With a timeout pg_terminate_backend returns once the backend has exited, not when it was signalled.
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ", 10000)")) {
            assertTrue(rs.next() && rs.getBoolean(1), "the spare's backend did not exit");
        }
        UUID project = UUID.randomUUID();
        try (var held = fresh.acquire(host, project, LockMode.EXCLUSIVE)) {
            assertTrue(held.isHeld());
            assertThrows(ProjectBusyException.class, () -> locks.acquire(host, project, LockMode.SHARED));
        }
        locks.acquire(host, project, LockMode.SHARED).close();
    }

    /** Takes and releases one lock, then waits for the spare it leaves behind. */
    private Connection spareAfterOneLock(ProjectLocks fresh) throws Exception {
        fresh.acquire(host, UUID.randomUUID(), LockMode.SHARED).close();
        fresh.awaitSpares();
        assertTrue(fresh.spares.containsKey(host.id()), "a spare connection is there after a lock was taken");
        return fresh.spares.get(host.id());
    }

    private static int backendPid(Connection c) throws Exception {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    /** The backends holding the project's advisory lock. */
    private List<Integer> holders(UUID project) throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                        + "((classid::bigint << 32) | objid::bigint) = " + ProjectLocks.key(project))) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    @Test
    void aDeadWorkersLockDiesWithItsConnection() throws Exception {
        UUID project = UUID.randomUUID();
        var held = locks.acquire(host, project, LockMode.EXCLUSIVE);
        // Simulate the worker's process dying: the server ends its session.
        try (Connection admin = host.maintenanceConnection();
                Statement st = admin.createStatement()) {
            // Waits until the backend has exited, so its locks are released when the check below runs.
            try (ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
                    + "WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = "
                    + ProjectLocks.key(project))) {
                assertTrue(rs.next(), "the lock should be visible in pg_locks");
                assertTrue(rs.getBoolean(1), "the worker's backend did not exit");
            }
        }
        assertFalse(held.isHeld());
        locks.acquire(host, project, LockMode.EXCLUSIVE).close();
        held.close();
    }
}
