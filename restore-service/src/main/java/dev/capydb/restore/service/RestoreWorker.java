package dev.capydb.restore.service;

import dev.capydb.chassis.jobs.JobEngine;
import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.chassis.jobs.JobTables;
import dev.capydb.chassis.jobs.JobWorker;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.TargetKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs pending restores on the {@link JobEngine}, handing each to {@link NewPreviewRestore} or
 * {@link OverwriteRestore}, and decides what becomes of a restore whose worker died.
 */
@ApplicationScoped
public class RestoreWorker implements JobWorker {

    private static final Logger LOG = Logger.getLogger(RestoreWorker.class);
    private static final int NEW_PREVIEW_ATTEMPTS = 2;

    private final NewPreviewRestore newPreviews;
    private final OverwriteRestore overwrites;
    private final RestoreEvents events;
    private final JobLeases leases;
    private final JobEngine engine;

    public RestoreWorker(
            NewPreviewRestore newPreviews,
            OverwriteRestore overwrites,
            RestoreEvents events,
            RestoreConfig config,
            JobTables jobTables) {
        this.newPreviews = newPreviews;
        this.overwrites = overwrites;
        this.events = events;
        this.leases = jobTables.leases("restore");
        this.engine = new JobEngine("restore", leases, config.workers(), config.lease(), this);
    }

    @Override
    public JobEngine engine() {
        return engine;
    }

    @Override
    public void run(UUID id) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if (x.targetKind == TargetKind.NEW_PREVIEW) {
            newPreviews.run(id, x);
        } else {
            overwrites.run(id, x);
        }
    }

    /**
     * A new preview touched nothing that existed, so one whose worker died starts over, once; an overwrite is
     * reconciled from its scratch database instead, never re-run.
     */
    @Override
    public void leaseExpired(UUID id) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if (x.targetKind != TargetKind.NEW_PREVIEW) {
            overwrites.reconcile(x);
        } else if (x.attempt < NEW_PREVIEW_ATTEMPTS) {
            LOG.warnf("restore %s: worker %s stopped; starting the new preview over", id, x.worker);
            QuarkusTransaction.requiringNew().run(() -> {
                if (leases.requeue(id, null)) {
                    Restore.<Restore>findById(id).phase = RestorePhase.QUEUED;
                }
            });
        } else {
            newPreviews.failAndDropPreview(id, "the worker running this restore stopped; the target was not changed");
        }
    }

    @Override
    public void crashed(UUID id, Throwable e) {
        newPreviews.failAndDropPreview(id, "internal error while running the restore; see the service log");
    }

    /** Announces a restore that was recorded as failed without running (in the caller's transaction). */
    public void announceFailed(Restore x) {
        events.finished(x);
    }
}
