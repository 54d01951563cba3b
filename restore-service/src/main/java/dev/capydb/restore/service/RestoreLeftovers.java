package dev.capydb.restore.service;

import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.chassis.jobs.JobTables;
import dev.capydb.dataplane.DatabaseSwap;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.RetiredDatabases;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.restore.config.RestoreConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.UUID;

/**
 * Cleans up after overwrites: the databases they replaced, once their safety window has passed, and the scratch
 * databases ({@code rs_<id>}) of overwrites that ended without dropping theirs.
 */
@ApplicationScoped
public class RestoreLeftovers {

    private final HostRegistry hosts;
    private final RetiredDatabases retired;
    private final JobLeases leases;
    private final ScratchDatabases scratchDatabases;

    public RestoreLeftovers(
            HostRegistry hosts,
            DatabaseSwap swap,
            AgroalDataSource dataSource,
            JobTables jobTables,
            RestoreConfig config,
            ScratchDatabases scratchDatabases) {
        this.hosts = hosts;
        this.retired = new RetiredDatabases(dataSource, "restore_id", config.safetyWindow(), swap, hosts);
        this.scratchDatabases = scratchDatabases;
        this.leases = jobTables.leases("restore");
    }

    /** Records a database an overwrite replaced, to be dropped after the safety window (in the caller's transaction). */
    public void retire(String name, String hostId, UUID projectId, UUID restoreId, Instant now) {
        retired.retire(name, hostId, projectId, restoreId, now);
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "1m")
    void dropRetiredTick() {
        dropRetired();
    }

    /** Drops replaced databases whose safety window has passed; returns how many. */
    public int dropRetired() {
        return retired.dropDue();
    }

    void dropLeftScratchAtStart(@Observes StartupEvent start) {
        dropLeftScratch();
    }

    @Scheduled(
            every = "${capydb.restores.sweep-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "20s")
    void dropLeftScratchTick() {
        dropLeftScratch();
    }

    /**
     * Scratch databases of our overwrites that ended are dropped: one whose restore failed while its host was down
     * (restarted under it) and so could not drop it then. A dead worker's stays until {@link RestoreWorker#leaseExpired}
     * has read it (its presence tells whether the swap committed) and ended the restore; a name our table does not
     * know is another deployment's on a shared host. Returns how many were dropped.
     */
    public int dropLeftScratch() {
        return scratchDatabases.sweep(hosts.all(), OverwriteRestore.SCRATCH, leases::hasEnded);
    }
}
