package dev.capydb.imports.service;

import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.chassis.jobs.JobTables;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseSwap;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.RetiredDatabases;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.dataplane.AcceptedDumps;
import dev.capydb.imports.dataplane.DumpLoader;
import dev.capydb.imports.dataplane.UploadedDumps;
import dev.capydb.imports.repository.DumpUpload;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.repository.ImportStatus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Cleans up after imports: databases replaced by a recreate import once their safety window has passed, uploaded
 * dumps nobody imported (a day after their upload URL expired), frozen copies of uploads whose import ended (the
 * worker could not delete them) or never got recorded, and the
 * scratch databases ({@code im_<id>}) and loader roles ({@code imp_<id>}) of imports that are not running any more
 * (a crashed worker's, or a failed one's on a host that was down), never another deployment's on a shared host.
 */
@ApplicationScoped
public class Leftovers {

    private static final Logger LOG = Logger.getLogger(Leftovers.class);

    private final HostRegistry hosts;
    private final RetiredDatabases retired;
    private final DumpLoader loader;
    private final JobLeases leases;
    private final UploadedDumps dumps;
    private final AcceptedDumps accepted;
    private final ImportConfig config;
    private final ScratchDatabases scratchDatabases;

    public Leftovers(
            HostRegistry hosts,
            DatabaseSwap swap,
            DumpLoader loader,
            AgroalDataSource dataSource,
            JobTables jobTables,
            UploadedDumps dumps,
            AcceptedDumps accepted,
            ImportConfig config,
            ScratchDatabases scratchDatabases) {
        this.scratchDatabases = scratchDatabases;
        this.dumps = dumps;
        this.accepted = accepted;
        this.config = config;
        this.hosts = hosts;
        this.retired = new RetiredDatabases(dataSource, "import_id", config.safetyWindow(), swap, hosts);
        this.loader = loader;
        this.leases = jobTables.leases("import_job");
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "1m")
    void tick() {
        dropRetired();
        reapUploads();
        reapAcceptedCopies();
    }

    /** Deletes uploaded dumps that were never imported and whose upload URL expired long ago; returns how many. */
    public int reapUploads() {
        Instant before = Instant.now().minus(config.uploadRetention());
        List<DumpUpload> stale = QuarkusTransaction.requiringNew()
                .call(() -> DumpUpload.<DumpUpload>find(
                                "from DumpUpload u where u.deletedAt is null and u.expiresAt < ?1 and not exists "
                                        + "(from ImportJob j where j.uploadId = u.id and j.status in ?2)",
                                before,
                                List.of(ImportStatus.PENDING, ImportStatus.RUNNING))
                        .list());
        for (DumpUpload u : stale) {
            dumps.delete(u.objectKey);
            QuarkusTransaction.requiringNew()
                    .run(() -> DumpUpload.<DumpUpload>findById(u.id).deletedAt = Instant.now());
        }
        return stale.size();
    }

    /**
     * Deletes frozen copies no import will read: their import ended, or none of ours names them and they are older
     * than {@code capydb.imports.accepted-orphan-age}. A queued or running import's copy stays, so a worker that
     * claims it after a restart still finds it. Returns how many were deleted.
     */
    public int reapAcceptedCopies() {
        Instant orphanedBefore = Instant.now().minus(config.acceptedOrphanAge());
        int deleted = 0;
        for (AcceptedDumps.Copy copy : accepted.all()) {
            ImportStatus status = QuarkusTransaction.requiringNew()
                    .call(() -> ImportJob.<ImportJob>findByIdOptional(copy.importId())
                            .map(x -> x.status)
                            .orElse(null));
            boolean unread = status == null ? copy.storedAt().isBefore(orphanedBefore) : status.isFinal();
            if (unread && accepted.delete(copy.key())) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Records a database a recreate import replaced, to be dropped after the safety window (in the caller's transaction). */
    public void retire(String name, String hostId, UUID projectId, UUID importId) {
        retired.retire(name, hostId, projectId, importId, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** Drops replaced databases whose safety window has passed; returns how many. */
    public int dropRetired() {
        return retired.dropDue();
    }

    void dropLeftScratchAtStart(@Observes StartupEvent start) {
        dropLeftScratch();
    }

    @Scheduled(
            every = "${capydb.imports.sweep-every:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "10s")
    void dropLeftScratchTick() {
        dropLeftScratch();
    }

    /**
     * Drops the scratch databases and loader roles of our imports that ended: a crashed worker's (once its import was
     * failed or completed: until then its scratch database tells whether the swap committed), and one whose import
     * failed while its host was down and so could not drop it then. A name our table does not know is another
     * deployment's on a shared host. Returns how many databases were dropped.
     */
    public int dropLeftScratch() {
        int dropped = scratchDatabases.sweep(hosts.all(), ImportWorker.SCRATCH, leases::hasEnded);
        for (DatabaseHost host : hosts.all()) {
            dropLeftLoaderRoles(host);
        }
        return dropped;
    }

    private void dropLeftLoaderRoles(DatabaseHost host) {
        List<String> roles = new ArrayList<>();
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT rolname FROM pg_roles WHERE rolname LIKE ?")) {
            st.setString(1, DumpLoader.LOADER_ROLES.likePattern());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            LOG.warnf("cannot look for leftover loader roles on %s: %s", host.id(), e.getMessage());
        }
        for (String role : roles) {
            if (DumpLoader.LOADER_ROLES.idOf(role).filter(leases::hasEnded).isPresent()) {
                LOG.infof("dropping leftover loader role %s on %s", role, host.id());
                loader.dropLoaderRole(host, role);
            }
        }
    }
}
