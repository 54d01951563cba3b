package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.dataplane.BackupFailure;
import dev.capydb.backup.dataplane.BackupVerifier;
import dev.capydb.backup.dataplane.BackupVerifier.Verification;
import dev.capydb.backup.dataplane.DumpResult;
import dev.capydb.backup.dataplane.ProjectDumper;
import dev.capydb.backup.messaging.BackupEvents;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.chassis.jobs.JobEngine;
import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.chassis.jobs.JobTables;
import dev.capydb.chassis.jobs.JobWorker;
import dev.capydb.chassis.observability.JobPhases;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.LockMode;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ProjectBusyException;
import dev.capydb.dataplane.ProjectLocks;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs pending backups on the {@link JobEngine}, and re-queues the backups of workers whose lease ran out (backups
 * are safe to re-run) until their attempts are used up.
 */
@ApplicationScoped
public class BackupWorker implements JobWorker {

    private static final Logger LOG = Logger.getLogger(BackupWorker.class);

    private final BackupRepository backups;
    private final BackupService service;
    private final ProjectLookup projects;
    private final HostRegistry hosts;
    private final ProjectLocks locks;
    private final ProjectDumper dumper;
    private final BackupVerifier verifier;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupEvents events;
    private final BackupConfig config;
    private final JobLeases leases;
    private final JobEngine engine;
    private final ScratchDatabases scratchDatabases;

    public BackupWorker(
            BackupRepository backups,
            BackupService service,
            ProjectLookup projects,
            HostRegistry hosts,
            ProjectLocks locks,
            ProjectDumper dumper,
            BackupVerifier verifier,
            ObjectStore store,
            StorageConfig storage,
            BackupEvents events,
            BackupConfig config,
            JobTables jobTables,
            ScratchDatabases scratchDatabases) {
        this.scratchDatabases = scratchDatabases;
        this.backups = backups;
        this.service = service;
        this.projects = projects;
        this.hosts = hosts;
        this.locks = locks;
        this.dumper = dumper;
        this.verifier = verifier;
        this.store = store;
        this.storage = storage;
        this.events = events;
        this.config = config;
        this.leases = jobTables.leases("backup");
        this.engine = new JobEngine("backup", leases, config.workers(), config.lease(), this);
    }

    void dropLeftScratchAtStart(@Observes StartupEvent start) {
        dropLeftScratch();
    }

    /**
     * Drops verification databases left by a worker that died mid-verification: only those of our own backups that
     * no live worker is at (a host may be shared with another deployment, whose backups we do not know). Returns how
     * many.
     */
    public int dropLeftScratch() {
        return scratchDatabases.sweep(hosts.all(), BackupVerifier.SCRATCH, leases::isAbandoned);
    }

    @Override
    public JobEngine engine() {
        return engine;
    }

    /** Re-queues (or, out of attempts, fails) a backup whose worker stopped renewing its lease. */
    @Override
    public void leaseExpired(UUID id) {
        Backup b = QuarkusTransaction.requiringNew().call(() -> backups.findById(id));
        if (b.attempt < config.maxAttempts()) {
            LOG.warnf("backup %s: worker %s stopped (lease expired); running it again", b.id, b.worker);
            leases.requeue(id, null);
        } else {
            service.fail(b.id, "the worker running this backup stopped " + b.attempt + " times; giving up");
        }
    }

    @Override
    public void crashed(UUID id, Throwable e) {
        service.fail(id, "internal error while running the backup; see the service log");
    }

    @Override
    public void run(UUID id) {
        JobPhases phases = JobPhases.start("backup");
        Backup b = QuarkusTransaction.requiringNew().call(() -> backups.findById(id));
        Optional<ProjectView> project = projects.find(b.projectId).filter(p -> !p.isDeleted());
        if (project.isEmpty()) {
            service.fail(id, "the project no longer exists");
            return;
        }
        DatabaseHost host = hosts.host(project.get().hostId());
        try (var lock = locks.acquire(host, b.projectId, LockMode.SHARED)) {
            phases.mark("lock");
            String owner = project.get().roleName();
            DumpResult dump = dumper.dump(host, project.get().databaseName(), owner, b.backupKey, b.verify, phases);
            Verification verification = b.verify
                    ? verifier.verify(
                            host,
                            project.get().databaseName(),
                            owner,
                            b.id,
                            b.backupKey,
                            dump.object().sha256(),
                            dump.rowCounts())
                    : null;
            if (b.verify) {
                phases.mark("verify");
            }
            if (verification != null && !verification.verified()) {
                store.delete(storage.backupsBucket(), b.backupKey);
                recordVerification(id, verification);
                service.fail(id, "verification failed: " + verification.details());
                return;
            }
            complete(id, dump, verification);
            phases.mark("complete");
            LOG.infof("backup %s completed, %d bytes: %s", id, dump.object().sizeBytes(), phases);
        } catch (ProjectBusyException e) {
            if (b.createdAt.plus(config.busyGiveUp()).isBefore(Instant.now())) {
                service.fail(id, "project_busy: another operation held the project for over " + config.busyGiveUp());
            } else {
                leases.requeue(id, Instant.now().plus(config.busyRetry()));
            }
        } catch (BackupFailure e) {
            service.fail(id, e.getMessage());
        } catch (SQLException e) {
            service.fail(id, "the database host is unreachable: " + e.getMessage());
        }
    }

    private void complete(UUID id, DumpResult dump, Verification verification) {
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = backups.findById(id);
            b.status = b.status.moveTo(BackupStatus.COMPLETED);
            b.sizeBytes = dump.object().sizeBytes();
            b.sha256 = dump.object().sha256();
            if (verification != null) {
                b.verified = true;
                b.verification = verification.details();
            }
            b.completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            b.leaseUntil = null;
            events.finished(b);
        });
    }

    private void recordVerification(UUID id, Verification verification) {
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = backups.findById(id);
            b.verified = verification.verified();
            b.verification = verification.details();
        });
    }
}
