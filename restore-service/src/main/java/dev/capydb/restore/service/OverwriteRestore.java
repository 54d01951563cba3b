package dev.capydb.restore.service;

import dev.capydb.chassis.observability.JobPhases;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseSwap;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.LockMode;
import dev.capydb.dataplane.ProjectBusyException;
import dev.capydb.dataplane.ProjectLocks;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.dataplane.scratch.ScratchDatabases.DeadSwap;
import dev.capydb.dataplane.scratch.ScratchNames;
import dev.capydb.restore.dataplane.RestoreFailure;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.TargetKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Overwrites production or an existing preview without touching it until the end: the source is loaded into a
 * scratch database and swapped in under the exclusive project lock; an overwrite is never re-run.
 */
@ApplicationScoped
public class OverwriteRestore {

    private static final Logger LOG = Logger.getLogger(OverwriteRestore.class);
    /** An overwrite's scratch database is named after its restore, so a sweep can tell whose it is. */
    public static final ScratchNames SCRATCH = new ScratchNames("rs_");

    private final RestoreService restores;
    private final RestoreSources sources;
    private final RestoreProgress progress;
    private final RestoreLeftovers leftovers;
    private final RestoreEvents events;
    private final HostRegistry hosts;
    private final ProjectLookup projects;
    private final ProjectLocks locks;
    private final DatabaseSwap swap;
    private final ScratchDatabases scratchDatabases;

    public OverwriteRestore(
            RestoreService restores,
            RestoreSources sources,
            RestoreProgress progress,
            RestoreLeftovers leftovers,
            RestoreEvents events,
            HostRegistry hosts,
            ProjectLookup projects,
            ProjectLocks locks,
            DatabaseSwap swap,
            ScratchDatabases scratchDatabases) {
        this.restores = restores;
        this.sources = sources;
        this.progress = progress;
        this.leftovers = leftovers;
        this.events = events;
        this.hosts = hosts;
        this.projects = projects;
        this.locks = locks;
        this.swap = swap;
        this.scratchDatabases = scratchDatabases;
    }

    /**
     * The source is loaded into a scratch database owned by the target's role and checked (restore status, plan
     * size), then swapped in under the exclusive project lock. The replaced database is kept for the safety window.
     */
    void run(UUID id, Restore x) {
        Optional<ProjectView> project = projects.find(x.projectId).filter(p -> !p.isDeleted());
        if (project.isEmpty()) {
            restores.fail(id, "the project no longer exists");
            return;
        }
        String target = targetDatabase(x);
        String owner = x.targetKind == TargetKind.PROJECT ? project.get().roleName() : target;
        DatabaseHost host = hosts.host(hostOf(x));
        String scratch = SCRATCH.name(id);
        JobPhases phases = JobPhases.start("restore");
        try (var lock = locks.acquire(host, x.projectId, LockMode.EXCLUSIVE)) {
            phases.mark("lock");
            QuarkusTransaction.requiringNew().run(() -> {
                Restore row = Restore.findById(id);
                row.scratchDatabase = scratch;
                row.phase = RestorePhase.LOADING;
                events.started(row);
            });
            swap.createScratch(host, scratch, owner);
            phases.mark("create_scratch");
            AtomicLong bytes = new AtomicLong();
            ToolResult result = sources.load(x, project.get(), host, scratch, owner, bytes);
            phases.mark("load");
            if (!result.succeeded()) {
                scratchDatabases.dropQuietly(host, scratch);
                restores.fail(id, result.describeFailure("pg_restore") + "; the target was not changed");
                return;
            }
            long size = swap.size(host, scratch);
            if (x.targetKind == TargetKind.PROJECT && size > project.get().storageLimitBytes()) {
                scratchDatabases.dropQuietly(host, scratch);
                restores.fail(
                        id,
                        "the restored database is " + size + " bytes, over the plan's limit of "
                                + project.get().storageLimitBytes() + "; the target was not changed");
                return;
            }
            progress.phase(id, RestorePhase.SWAPPING);
            String retired = retiredName(target, id);
            DatabaseSwap.Result swapped = swap.swap(host, target, scratch, retired);
            phases.mark("swap");
            complete(id, bytes.get(), retired);
            phases.mark("complete");
            LOG.infof(
                    "restore %s swapped %s in; it refused connections for %d ms; old data kept as %s; %s",
                    id, target, swapped.unavailableMillis(), retired, phases);
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
     * An overwrite whose worker died is never run again. Its scratch database tells what happened: still there,
     * the swap never ran (production is intact; drop the scratch, fail); gone after the swap phase began, the swap
     * committed (finish the job as completed).
     */
    void reconcile(Restore x) {
        DatabaseHost host = hosts.host(hostOf(x));
        DeadSwap swap = scratchDatabases.settleDeadSwap(host, x.scratchDatabase, x.phase == RestorePhase.SWAPPING);
        if (swap == DeadSwap.UNKNOWN) {
            LOG.warnf("restore %s: host unreachable, deciding its outcome later", x.id);
            return;
        }
        if (swap == DeadSwap.SWAPPED) {
            LOG.warnf("restore %s: worker died after the swap committed; recording it as completed", x.id);
            complete(x.id, 0, retiredName(targetDatabase(x), x.id));
            return;
        }
        restores.fail(x.id, "the worker running this restore stopped before the swap; the target was not changed");
    }

    private void complete(UUID id, long bytes, String retired) {
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Restore row = Restore.findById(id);
            if (row.status == RestoreStatus.COMPLETED) {
                return;
            }
            row.status = row.status.moveTo(RestoreStatus.COMPLETED);
            row.phase = RestorePhase.DONE;
            row.bytesDone = bytes;
            row.completedAt = now;
            row.leaseUntil = null;
            leftovers.retire(retired, hostOf(row), row.projectId, row.id, now);
            events.finished(row);
            if (row.targetKind == TargetKind.PROJECT) {
                events.productionOverwritten(row);
            }
        });
    }

    /** The replaced database's name: the target's, marked with the restore that replaced it. */
    private static String retiredName(String target, UUID id) {
        return target + "_old_" + id.toString().substring(0, 8);
    }

    private String targetDatabase(Restore x) {
        if (x.targetKind == TargetKind.PROJECT) {
            return projects.find(x.projectId)
                    .map(ProjectView::databaseName)
                    .orElseThrow(() -> new IllegalStateException("project " + x.projectId + " is unknown"));
        }
        return QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).databaseName);
    }

    private String hostOf(Restore x) {
        if (x.previewId != null) {
            return QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).hostId);
        }
        return projects.find(x.projectId)
                .map(ProjectView::hostId)
                .orElseThrow(() -> new IllegalStateException("project " + x.projectId + " is unknown"));
    }
}
