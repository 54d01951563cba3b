package dev.capydb.dataplane.scratch;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.DatabaseSwap;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Finds and drops the scratch databases a job left on a host. Which leftovers may go is the caller's rule: a host can
 * be shared by several deployments, so a name alone never says the database is ours to drop.
 */
public class ScratchDatabases {

    private static final Logger LOG = Logger.getLogger(ScratchDatabases.class);

    /** What became of the swap of a job whose worker died, as far as its scratch database can tell. */
    public enum DeadSwap {
        /** The scratch database was swapped in: the job did its work. */
        SWAPPED,
        /** The swap never ran, and the scratch database (if any) is dropped now: the target is as it was. */
        NOT_SWAPPED,
        /** The host cannot be asked now: decide later. */
        UNKNOWN
    }

    private final DatabaseSwap swap;
    private final DatabaseProvisioner provisioner;

    public ScratchDatabases(DatabaseSwap swap, DatabaseProvisioner provisioner) {
        this.swap = swap;
        this.provisioner = provisioner;
    }

    /**
     * Settles a job that loads {@code scratch} and swaps it in, once its worker died. The swap renames the scratch
     * database away, so its absence after the swap phase began means the swap committed; still there (or the swap
     * phase never began), the swap never ran, and the scratch database is dropped here.
     */
    public DeadSwap settleDeadSwap(DatabaseHost host, String scratch, boolean swapBegun) {
        boolean exists;
        try {
            exists = scratch != null && provisioner.exists(host, scratch);
        } catch (SQLException e) {
            LOG.warnf("cannot ask %s whether %s is still there: %s", host.id(), scratch, e.getMessage());
            return DeadSwap.UNKNOWN;
        }
        if (swapBegun && !exists) {
            return DeadSwap.SWAPPED;
        }
        if (exists) {
            dropQuietly(host, scratch);
        }
        return DeadSwap.NOT_SWAPPED;
    }

    /** The host's databases whose names start with the prefix of {@code names}. */
    public List<String> list(DatabaseHost host, ScratchNames names) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT datname FROM pg_database WHERE datname LIKE ?")) {
            st.setString(1, names.likePattern());
            List<String> found = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        }
    }

    /** {@link #sweep(DatabaseHost, ScratchNames, Predicate)} on each of {@code hosts}; returns how many went in all. */
    public int sweep(Collection<DatabaseHost> hosts, ScratchNames names, Predicate<UUID> isOurLeftover) {
        int dropped = 0;
        for (DatabaseHost host : hosts) {
            dropped += sweep(host, names, isOurLeftover);
        }
        return dropped;
    }

    /**
     * Drops the host's scratch databases of {@code names} whose job {@code isOurLeftover} accepts; a name that is not
     * a job's is left alone. Returns how many were dropped; never throws (an unreachable host is tried next time).
     */
    public int sweep(DatabaseHost host, ScratchNames names, Predicate<UUID> isOurLeftover) {
        List<String> found;
        try {
            found = list(host, names);
        } catch (SQLException e) {
            LOG.warnf("cannot look for leftover %s databases on %s: %s", names.prefix(), host.id(), e.getMessage());
            return 0;
        }
        int dropped = 0;
        for (String name : found) {
            UUID id = names.idOf(name).orElse(null);
            if (id == null || !isOurLeftover.test(id)) {
                // Another deployment sharing the host, or a job of ours still at work: not ours to drop.
                LOG.debugf("leaving %s on %s: not a leftover of ours", name, host.id());
                continue;
            }
            LOG.infof("dropping leftover scratch database %s on %s", name, host.id());
            if (dropQuietly(host, name)) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Drops a database if it exists (a null name is nothing to drop); logs a failure and says whether it went. */
    public boolean dropQuietly(DatabaseHost host, String name) {
        if (name == null) {
            return false;
        }
        try {
            swap.drop(host, name);
            return true;
        } catch (SQLException e) {
            LOG.warnf("cannot drop %s on %s: %s", name, host.id(), e.getMessage());
            return false;
        }
    }
}
