package dev.capydb.restore.service;

import dev.capydb.chassis.jobs.JobEngine;
import dev.capydb.chassis.jobs.JobHandler;
import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.chassis.observability.JobPhases;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseSwap;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.LockMode;
import dev.capydb.dataplane.ProjectBusyException;
import dev.capydb.dataplane.ProjectLocks;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.dataplane.scratch.ScratchNames;
import dev.capydb.events.EventType;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.dataplane.BackupLoader;
import dev.capydb.restore.dataplane.PitrRecovery;
import dev.capydb.restore.dataplane.RestoreFailure;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestoreStatus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs pending restores on the {@link JobEngine}. Restoring into a new preview touches nothing that existed: the
 * preview's database is created, loaded from the backup as the preview's own role, and marked ready; any failure
 * drops it again. A new preview whose worker died is simply started over, once. Overwrites (an existing preview,
 * production) load into a scratch database and swap it in at the end; they are never re-run.
 */
@ApplicationScoped
public class RestoreWorker implements JobHandler {

    private static final Logger LOG = Logger.getLogger(RestoreWorker.class);
    private static final int NEW_PREVIEW_ATTEMPTS = 2;
    /** An overwrite's scratch database is named after its restore, so a sweep can tell whose it is. */
    public static final ScratchNames SCRATCH = new ScratchNames("rs_");

    private static final ScheduledExecutorService PROGRESS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "restore-progress");
        t.setDaemon(true);
        return t;
    });

    private final RestoreService restores;
    private final PreviewService previews;
    private final BackupLoader loader;
    private final HostRegistry hosts;
    private final RestoreEvents events;
    private final RestoreConfig config;
    private final ProjectLookup projects;
    private final ProjectLocks locks;
    private final DatabaseSwap swap;
    private final dev.capydb.dataplane.DatabaseProvisioner provisioner;
    private final AgroalDataSource dataSource;
    private final JobLeases leases;
    private final JobEngine engine;
    private final PitrWindow pitrWindow;
    private final PitrRecovery recovery;
    private final PitrSlots slots;
    private final ScratchDatabases scratchDatabases;

    public RestoreWorker(RestoreService restores, PreviewService previews, BackupLoader loader, HostRegistry hosts,
                         RestoreEvents events, RestoreConfig config, ProjectLookup projects, ProjectLocks locks,
                         DatabaseSwap swap, dev.capydb.dataplane.DatabaseProvisioner provisioner,
                         AgroalDataSource dataSource, PitrWindow pitrWindow, PitrRecovery recovery, PitrSlots slots,
                         ScratchDatabases scratchDatabases) {
        this.scratchDatabases = scratchDatabases;
        this.pitrWindow = pitrWindow;
        this.recovery = recovery;
        this.slots = slots;
        this.provisioner = provisioner;
        this.projects = projects;
        this.locks = locks;
        this.swap = swap;
        this.dataSource = dataSource;
        this.restores = restores;
        this.previews = previews;
        this.loader = loader;
        this.hosts = hosts;
        this.events = events;
        this.config = config;
        this.leases = new JobLeases(dataSource, "restore");
        this.engine = new JobEngine("restore", leases, config.workers(), config.lease(), this);
    }

    void start(@Observes StartupEvent start, Scheduler scheduler) {
        engine.start(scheduler);
    }

    /** What runs the restores: {@code wake()} it once one was requested on this replica. */
    public JobEngine engine() {
        return engine;
    }

    /** A new-preview restore whose worker died starts over once; anything else fails (its target is intact). */
    @Override
    public void leaseExpired(UUID id) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if ("new_preview".equals(x.targetKind) && x.attempt < NEW_PREVIEW_ATTEMPTS) {
            LOG.warnf("restore %s: worker %s stopped; starting the new preview over", id, x.worker);
            QuarkusTransaction.requiringNew().run(() -> {
                if (leases.requeue(id, null)) {
                    Restore.<Restore>findById(id).phase = "queued";
                }
            });
        } else if (!"new_preview".equals(x.targetKind)) {
            reconcileOverwrite(x);
        } else {
            failAndDropPreview(id, "the worker running this restore stopped; the target was not changed");
        }
    }

    @Override
    public void crashed(UUID id, Throwable e) {
        failAndDropPreview(id, "internal error while running the restore; see the service log");
    }

    /**
     * An overwrite whose worker died is never run again. Its scratch database tells what happened: still there,
     * the swap never ran (production is intact; drop the scratch, fail); gone after the swap phase began, the swap
     * committed (finish the job as completed).
     */
    void reconcileOverwrite(Restore x) {
        var host = hosts.host(hostOf(x));
        boolean scratchExists;
        try {
            scratchExists = x.scratchDatabase != null && provisioner.exists(host, x.scratchDatabase);
        } catch (SQLException e) {
            LOG.warnf("restore %s: host unreachable, deciding its outcome later: %s", x.id, e.getMessage());
            return;
        }
        if ("swapping".equals(x.phase) && !scratchExists) {
            LOG.warnf("restore %s: worker died after the swap committed; recording it as completed", x.id);
            complete(x.id, 0, targetDatabase(x) + "_old_" + x.id.toString().substring(0, 8));
            return;
        }
        scratchDatabases.dropQuietly(host, x.scratchDatabase);
        restores.fail(x.id, "the worker running this restore stopped before the swap; the target was not changed");
    }

    @Override
    public void run(UUID id) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if ("new_preview".equals(x.targetKind)) {
            runNewPreview(id, x);
        } else {
            runOverwrite(id, x);
        }
    }

    /**
     * Overwrites production or an existing preview without touching it until the end: the backup is loaded into a
     * scratch database owned by the target's role and checked (restore status, plan size), then swapped in under
     * the exclusive project lock. The replaced database is kept for the safety window.
     */
    void runOverwrite(UUID id, Restore x) {
        Optional<ProjectView> project = projects.find(x.projectId).filter(p -> !p.isDeleted());
        if (project.isEmpty()) {
            restores.fail(id, "the project no longer exists");
            return;
        }
        String target = targetDatabase(x);
        String owner = "project".equals(x.targetKind) ? project.get().roleName() : target;
        var host = hosts.host(hostOf(x));
        String scratch = SCRATCH.name(id);
        JobPhases phases = JobPhases.start("restore");
        try (var lock = locks.acquire(host, x.projectId, LockMode.EXCLUSIVE)) {
            phases.mark("lock");
            QuarkusTransaction.requiringNew().run(() -> {
                Restore row = Restore.findById(id);
                row.scratchDatabase = scratch;
                row.phase = "loading";
                events.started(row);
            });
            swap.createScratch(host, scratch, owner);
            phases.mark("create_scratch");
            AtomicLong bytes = new AtomicLong();
            ToolResult result = load(x, project.get(), host, scratch, owner, bytes);
            phases.mark("load");
            if (!result.succeeded()) {
                scratchDatabases.dropQuietly(host, scratch);
                restores.fail(id, result.describeFailure("pg_restore") + "; the target was not changed");
                return;
            }
            long size = swap.size(host, scratch);
            if ("project".equals(x.targetKind) && size > project.get().storageLimitBytes()) {
                scratchDatabases.dropQuietly(host, scratch);
                restores.fail(id, "the restored database is " + size + " bytes, over the plan's limit of "
                        + project.get().storageLimitBytes() + "; the target was not changed");
                return;
            }
            phase(id, "swapping");
            String retired = target + "_old_" + id.toString().substring(0, 8);
            DatabaseSwap.Result swapped = swap.swap(host, target, scratch, retired);
            phases.mark("swap");
            complete(id, bytes.get(), retired);
            phases.mark("complete");
            LOG.infof("restore %s swapped %s in; it refused connections for %d ms; old data kept as %s; %s", id, target,
                    swapped.unavailableMillis(), retired, phases);
        } catch (RestoreFailure e) {
            scratchDatabases.dropQuietly(host, scratch);
            restores.fail(id, e.getMessage() + "; the target was not changed");
        } catch (ProjectBusyException e) {
            restores.fail(id, "project_busy: another operation holds the project; nothing was changed");
        } catch (SQLException e) {
            scratchDatabases.dropQuietly(host, scratch);
            restores.fail(id, "the database host failed: " + e.getMessage() + "; the target was not changed");
        }
    }

    /**
     * Loads the restore's source into {@code database} as {@code owner}: the backup object, or for a point in time
     * the project's database dumped out of a scratch cluster recovered to that time (stopped and deleted after).
     */
    private ToolResult load(Restore x, ProjectView project, dev.capydb.dataplane.DatabaseHost host, String database,
                            String owner, AtomicLong bytes) throws RestoreFailure {
        // bytes_done is written as the load goes, so GET …/restores/{id} shows progress, not only the total.
        ScheduledFuture<?> ticker = PROGRESS.scheduleWithFixedDelay(() -> recordBytes(x.id, bytes.get()), 500, 500,
                TimeUnit.MILLISECONDS);
        try {
            return loadSource(x, project, host, database, owner, bytes);
        } finally {
            ticker.cancel(false);
        }
    }

    private void recordBytes(UUID id, long bytes) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE restore SET bytes_done = ? WHERE id = ? AND status = 'RUNNING'")) {
            st.setLong(1, bytes);
            st.setObject(2, id);
            st.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("cannot record the progress of restore %s: %s", id, e.getMessage());
        }
    }

    private ToolResult loadSource(Restore x, ProjectView project, dev.capydb.dataplane.DatabaseHost host, String database,
                                  String owner, AtomicLong bytes) throws RestoreFailure {
        if (x.backupKey != null) {
            return loader.load(host, x.projectId, project.databaseName(), x.backupKey, database, owner, bytes);
        }
        if ("preview".equals(x.sourceKind)) {
            // Cutover promotion: the preview's database, dumped straight into the scratch database.
            String previewDb = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).databaseName);
            return loader.loadFromCluster(host, previewDb, host, database, owner, bytes);
        }
        PitrWindow.BaseBackupRef base = pitrWindow.baseBackupBefore(host.id(), x.restoreTime).orElseThrow(() ->
                new RestoreFailure("no base backup of " + host.id() + " ended before " + x.restoreTime));
        PitrSteps steps = new PitrSteps();
        try (PitrSlots.Slot slot = slots.acquire(host.id(), () -> phase(x.id, "queued"),
                config.pitr().recoveryTimeout())) {
            steps.ended("slot");
            phase(x.id, "fetching");
            try {
                pitrWindow.archiveUpToNow(host, java.time.Duration.ofMinutes(2));
            } catch (SQLException e) {
                throw new RestoreFailure("the WAL up to the target could not be archived: " + e.getMessage());
            }
            steps.ended("archive");
            ToolResult loaded;
            try (PitrRecovery.Cluster cluster = recovery.recover(host, base, x.restoreTime, project.databaseName(),
                    () -> {
                        steps.ended("restore_files");
                        phase(x.id, "replaying_wal");
                    })) {
                steps.ended("replay");
                phase(x.id, "loading");
                loaded = loader.loadFromCluster(cluster.host(), project.databaseName(), host, database, owner, bytes);
                steps.ended("dump_load");
            }
            steps.ended("cleanup");
            return loaded;
        } finally {
            LOG.infof("restore %s to point in time %s: %s", x.id, x.restoreTime, steps);
        }
    }

    /** Announces a restore that was recorded as failed without running (in the caller's transaction). */
    public void announceFailed(Restore x) {
        events.finished(x);
    }

    private void complete(UUID id, long bytes, String retired) {
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Restore row = Restore.findById(id);
            if (row.status == RestoreStatus.COMPLETED) {
                return;
            }
            row.status = row.status.moveTo(RestoreStatus.COMPLETED);
            row.phase = "done";
            row.bytesDone = bytes;
            row.completedAt = now;
            row.leaseUntil = null;
            retire(row, retired, now);
            events.finished(row);
            if ("project".equals(row.targetKind)) {
                events.productionOverwritten(row);
            }
        });
    }

    private void retire(Restore row, String retired, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO retired_database (name, host_id, project_id, restore_id, retired_at, drop_after) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            st.setString(1, retired);
            st.setString(2, hostOf(row));
            st.setObject(3, row.projectId);
            st.setObject(4, row.id);
            st.setTimestamp(5, Timestamp.from(now));
            st.setTimestamp(6, Timestamp.from(now.plus(config.safetyWindow())));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "1m")
    void dropRetiredTick() {
        dropRetired();
    }

    /** Drops replaced databases whose safety window has passed; returns how many. */
    public int dropRetired() {
        List<String[]> due = QuarkusTransaction.requiringNew().call(() -> {
            List<String[]> rows = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                    "SELECT name, host_id FROM retired_database WHERE dropped_at IS NULL AND drop_after <= now()");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return rows;
        });
        int dropped = 0;
        for (String[] d : due) {
            try {
                swap.drop(hosts.host(d[1]), d[0]);
            } catch (SQLException e) {
                LOG.warnf("cannot drop retired database %s yet: %s", d[0], e.getMessage());
                continue;
            }
            QuarkusTransaction.requiringNew().run(() -> {
                try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                        "UPDATE retired_database SET dropped_at = now() WHERE name = ?")) {
                    st.setString(1, d[0]);
                    st.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            dropped++;
        }
        return dropped;
    }

    void dropLeftScratchAtStart(@Observes StartupEvent start) {
        dropLeftScratch();
    }

    @Scheduled(every = "${capydb.restores.sweep-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "20s")
    void dropLeftScratchTick() {
        dropLeftScratch();
    }

    /**
     * Scratch databases of our overwrites that ended are dropped: one whose restore failed while its host was down
     * (restarted under it) and so could not drop it then. A dead worker's stays until {@link #leaseExpired}
     * has read it (its presence tells whether the swap committed) and ended the restore; a name our table does not
     * know is another deployment's on a shared host. Returns how many were dropped.
     */
    public int dropLeftScratch() {
        int dropped = 0;
        for (var host : hosts.all()) {
            dropped += scratchDatabases.sweep(host, SCRATCH, leases::hasEnded);
        }
        return dropped;
    }

    private String targetDatabase(Restore x) {
        if ("project".equals(x.targetKind)) {
            return projects.find(x.projectId).map(ProjectView::databaseName)
                    .orElseThrow(() -> new IllegalStateException("project " + x.projectId + " is unknown"));
        }
        return QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).databaseName);
    }

    private String hostOf(Restore x) {
        if (x.previewId != null) {
            return QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).hostId);
        }
        return projects.find(x.projectId).map(ProjectView::hostId)
                .orElseThrow(() -> new IllegalStateException("project " + x.projectId + " is unknown"));
    }

    void runNewPreview(UUID id, Restore x) {
        JobPhases phases = JobPhases.start("restore");
        Preview preview = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
        var host = hosts.host(preview.hostId);
        phase(id, "creating_preview");
        try {
            previews.provision(preview);
        } catch (SQLException e) {
            failAndDropPreview(id, "cannot create the preview database: " + e.getMessage());
            return;
        }
        phases.mark("create_preview");
        phase(id, "loading");
        AtomicLong bytes = new AtomicLong();
        ToolResult result;
        try {
            result = load(x, projects.find(x.projectId).orElseThrow(), host, preview.databaseName, preview.roleName, bytes);
        } catch (RestoreFailure e) {
            failAndDropPreview(id, e.getMessage());
            return;
        }
        if (!result.succeeded()) {
            failAndDropPreview(id, result.describeFailure("pg_restore"));
            return;
        }
        phases.mark("load");
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Preview p = Preview.findById(preview.id);
            p.status = p.status.moveTo(PreviewStatus.READY);
            // The TTL runs from the moment the preview can be used.
            p.expiresAt = now.plus(java.time.Duration.ofHours(x.ttlHours));
            p.updatedAt = now;
            Restore row = Restore.findById(id);
            row.status = row.status.moveTo(RestoreStatus.COMPLETED);
            row.phase = "done";
            row.bytesDone = bytes.get();
            row.completedAt = now;
            row.leaseUntil = null;
            events.finished(row);
            events.preview(EventType.PREVIEW_READY, p);
        });
        phases.mark("complete");
        LOG.infof("restore %s into the new preview %s completed, %d bytes: %s", id, preview.databaseName, bytes.get(),
                phases);
    }

    private void phase(UUID id, String phase) {
        QuarkusTransaction.requiringNew().run(() -> {
            Restore row = Restore.findById(id);
            row.phase = phase;
        });
    }

    private void failAndDropPreview(UUID id, String error) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if ("new_preview".equals(x.targetKind) && x.previewId != null) {
            Preview p = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
            if (p.status == PreviewStatus.CREATING) {
                try {
                    previews.drop(p, PreviewStatus.FAILED, null);
                } catch (RuntimeException e) {
                    LOG.warnf("could not drop the failed preview %s: %s", p.id, e.getMessage());
                }
            }
        }
        restores.fail(id, error);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        engine.stop();
    }
}
