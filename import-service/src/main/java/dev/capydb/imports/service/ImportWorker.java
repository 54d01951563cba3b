package dev.capydb.imports.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.jobs.JobEngine;
import dev.capydb.chassis.jobs.JobTables;
import dev.capydb.chassis.jobs.JobWorker;
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
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.dataplane.AcceptedDumps;
import dev.capydb.imports.dataplane.DumpLoader;
import dev.capydb.imports.dataplane.RestrictedScript;
import dev.capydb.imports.dataplane.UploadedDumps;
import dev.capydb.imports.repository.DumpUpload;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.repository.ImportPhase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs pending imports on the {@link JobEngine}, under the exclusive project lock, after {@link ImportPreparation}
 * ran the source gate and the checks again. {@code recreate} loads into a scratch database and swaps it in;
 * otherwise the load goes into the project's database in one transaction. Either way a failure leaves production as
 * it was. An uploaded dump is read from the copy frozen when the import was
 * accepted, deleted once the import ended. Imports are never re-run after a worker dies.
 */
@ApplicationScoped
public class ImportWorker implements JobWorker {

    private static final Logger LOG = Logger.getLogger(ImportWorker.class);
    /** A recreate import's scratch database is named after the import, so a sweep can tell whose it is. */
    public static final ScratchNames SCRATCH = new ScratchNames("im_");

    private final ImportService imports;
    private final ImportPreparation preparation;
    private final DumpLoader loader;
    private final UploadedDumps dumps;
    private final AcceptedDumps accepted;
    private final Leftovers leftovers;
    private final HostRegistry hosts;
    private final ProjectLookup projects;
    private final ProjectLocks locks;
    private final DatabaseSwap swap;
    private final ScratchDatabases scratchDatabases;
    private final JobEngine engine;

    public ImportWorker(
            ImportService imports,
            ImportPreparation preparation,
            DumpLoader loader,
            UploadedDumps dumps,
            AcceptedDumps accepted,
            Leftovers leftovers,
            HostRegistry hosts,
            ProjectLookup projects,
            ProjectLocks locks,
            DatabaseSwap swap,
            JobTables jobTables,
            ImportConfig config,
            ScratchDatabases scratchDatabases) {
        this.imports = imports;
        this.preparation = preparation;
        this.loader = loader;
        this.dumps = dumps;
        this.accepted = accepted;
        this.leftovers = leftovers;
        this.hosts = hosts;
        this.projects = projects;
        this.locks = locks;
        this.swap = swap;
        this.scratchDatabases = scratchDatabases;
        this.engine = new JobEngine("import", jobTables.leases("import_job"), config.workers(), config.lease(), this);
    }

    @Override
    public JobEngine engine() {
        return engine;
    }

    /**
     * An import whose worker died is never run again. Its scratch database tells what happened: gone after the
     * swap phase began, the swap committed (completed); otherwise production was not touched (drop it, fail). A
     * load into the existing database died with its transaction, which rolled back.
     */
    @Override
    public void leaseExpired(UUID id) {
        ImportJob x = QuarkusTransaction.requiringNew().call(() -> ImportJob.<ImportJob>findById(id));
        ProjectView project = projects.find(x.projectId).orElse(null);
        if (project == null) {
            imports.fail(id, "the worker running this import stopped; the project is gone");
            discardCopy(x);
            return;
        }
        DatabaseHost host = hosts.host(project.hostId());
        DeadSwap swap = scratchDatabases.settleDeadSwap(host, x.scratchDatabase, x.phase == ImportPhase.SWAPPING);
        if (swap == DeadSwap.UNKNOWN) {
            LOG.warnf("import %s: host unreachable, deciding its outcome later", id);
            return;
        }
        if (swap == DeadSwap.SWAPPED) {
            imports.complete(
                    id, 0, () -> leftovers.retire(retiredName(project, id), project.hostId(), x.projectId, id));
            discardCopy(x);
            return;
        }
        imports.fail(id, "the worker running this import stopped before it finished; nothing was changed");
        discardCopy(x);
    }

    @Override
    public void crashed(UUID id, Throwable e) {
        imports.fail(id, "internal error while running the import; see the service log; nothing was changed");
    }

    @Override
    public void run(UUID id) {
        ImportJob x = QuarkusTransaction.requiringNew().call(() -> ImportJob.<ImportJob>findById(id));
        try {
            load(x);
        } finally {
            // An import runs once, whatever its outcome: its frozen copy is never read again.
            discardCopy(x);
        }
    }

    private void load(ImportJob x) {
        UUID id = x.id;
        ProjectView project =
                projects.find(x.projectId).filter(p -> !p.isDeleted()).orElse(null);
        if (project == null) {
            imports.fail(id, "the project no longer exists");
            return;
        }
        DatabaseHost host = hosts.host(project.hostId());
        String scratch = x.recreate ? SCRATCH.name(id) : null;
        String owner = project.roleName();
        try (var lock = locks.acquire(host, x.projectId, LockMode.EXCLUSIVE)) {
            imports.started(id);
            ImportPreparation.Plan plan = preparation.prepare(x, project, host);
            String target = x.recreate ? scratch : project.databaseName();
            if (x.recreate) {
                QuarkusTransaction.requiringNew()
                        .run(() -> ImportJob.<ImportJob>findById(id).scratchDatabase = scratch);
                swap.createScratch(host, scratch, owner);
            }
            imports.phase(id, ImportPhase.LOADING);
            AtomicLong bytes = new AtomicLong();
            ToolResult result = loader.load(
                    id, plan.source(), host, target, owner, project.storageLimitBytes(), plan.extensions(), bytes);
            if (!result.succeeded()) {
                throw new ImportFailure(describe(result, project));
            }
            long size = swap.size(host, target);
            if (x.recreate) {
                imports.phase(id, ImportPhase.SWAPPING);
                String retired = retiredName(project, id);
                DatabaseSwap.Result swapped = swap.swap(host, project.databaseName(), scratch, retired);
                LOG.infof(
                        "import %s swapped %s in (connections refused for %d ms); old data kept as %s",
                        id, project.databaseName(), swapped.unavailableMillis(), retired);
                imports.complete(id, size, () -> leftovers.retire(retired, project.hostId(), x.projectId, id));
            } else {
                imports.complete(id, size, () -> {});
            }
            if (x.uploadId != null) {
                forgetUpload(x.uploadId);
            }
        } catch (ImportFailure e) {
            scratchDatabases.dropQuietly(host, scratch);
            imports.fail(id, e.getMessage() + "; nothing was changed");
        } catch (ApiException e) {
            scratchDatabases.dropQuietly(host, scratch);
            imports.fail(id, e.code() + ": " + e.getMessage() + "; nothing was changed");
        } catch (ProjectBusyException e) {
            imports.fail(id, "project_busy: another operation holds the project; nothing was changed");
        } catch (SQLException e) {
            scratchDatabases.dropQuietly(host, scratch);
            imports.fail(id, "the database host failed: " + e.getMessage() + "; nothing was changed");
        }
    }

    /** Deletes an import's frozen copy once it ended; what storage refuses now, {@code Leftovers} deletes later. */
    private void discardCopy(ImportJob x) {
        if (x.acceptedKey != null) {
            accepted.delete(x.acceptedKey);
        }
    }

    /** The load's failure in a user's words: over the plan, or the tool's own message. */
    private static String describe(ToolResult r, ProjectView project) {
        String text = r.stderr() + " " + (r.streamFailure() == null ? "" : r.streamFailure());
        if (text.contains(RestrictedScript.OVER_PLAN)) {
            return "the imported database is larger than the " + project.plan() + " plan's storage limit of "
                    + project.storageLimitBytes() + " bytes; the load was rolled back";
        }
        return r.describeFailure("the load") + "; it was rolled back";
    }

    private static String retiredName(ProjectView project, UUID id) {
        return project.databaseName() + "_old_" + id.toString().substring(0, 8);
    }

    /** Deletes an upload's object after its successful import (the row stays, marked deleted). */
    private void forgetUpload(UUID uploadId) {
        DumpUpload u = QuarkusTransaction.requiringNew().call(() -> DumpUpload.<DumpUpload>findById(uploadId));
        try {
            dumps.delete(u.objectKey);
            QuarkusTransaction.requiringNew()
                    .run(() -> DumpUpload.<DumpUpload>findById(uploadId).deletedAt = Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("cannot delete the uploaded dump %s yet: %s", u.objectKey, e.getMessage());
        }
    }
}
