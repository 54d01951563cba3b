package dev.capydb.testing;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.dataplane.scratch.ScratchNames;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The scratch sweep on a host shared with another deployment: it drops the leftover of a job of ours that ended,
 * keeps the one a live worker is loading and keeps one whose id our table does not know (another deployment's).
 */
public final class SharedHostScratch {

    private SharedHostScratch() {}

    /**
     * Makes the scratch databases of {@code ended}, {@code live} and an unknown id on {@code host}, runs
     * {@code sweep} (the worker's own sweep, answering how many it dropped) and checks what it left; every database
     * made here is dropped again afterwards.
     */
    public static void assertSweepDropsOnlyOurEndedLeftover(
            ScratchDatabases scratch,
            DatabaseHost host,
            ScratchNames names,
            UUID ended,
            UUID live,
            Callable<Integer> sweep)
            throws Exception {
        UUID foreign = UUID.randomUUID();
        List<String> made =
                List.of(ended, live, foreign).stream().map(names::name).toList();
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            for (String name : made) {
                st.execute("CREATE DATABASE " + name);
            }
        }
        try {
            int dropped = sweep.call();
            check(dropped >= 1, "the sweep dropped nothing (" + dropped + ")");
            List<String> left = scratch.list(host, names);
            check(!left.contains(made.get(0)), "our ended job's leftover is dropped: " + left);
            check(left.contains(made.get(1)), "a live worker's is kept: " + left);
            check(left.contains(made.get(2)), "another deployment's is kept: " + left);
        } finally {
            made.forEach(name -> scratch.dropQuietly(host, name));
        }
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }
}
