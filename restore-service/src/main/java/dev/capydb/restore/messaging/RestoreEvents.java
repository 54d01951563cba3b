package dev.capydb.restore.messaging;

import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.JobPayload;
import dev.capydb.events.OverwriteAuditPayload;
import dev.capydb.events.PreviewPayload;
import dev.capydb.events.RestorePayload;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestoreStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Announces restore outcomes (with their job events) and preview lifecycle through the outbox. */
@ApplicationScoped
public class RestoreEvents {

    static final String SOURCE = "restore-service";

    private final Outbox outbox;

    public RestoreEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public void finished(Restore r) {
        boolean ok = r.status == RestoreStatus.COMPLETED;
        outbox.publish(EventEnvelope.of(
                ok ? EventType.RESTORE_COMPLETED : EventType.RESTORE_FAILED,
                SOURCE,
                r.orgId,
                r.projectId,
                r.correlationId,
                payload(r, ok ? "completed" : "failed", r.error, r.completedAt)));
        outbox.publish(EventEnvelope.of(
                ok ? EventType.JOB_COMPLETED : EventType.JOB_FAILED,
                SOURCE,
                r.orgId,
                r.projectId,
                r.correlationId,
                new JobPayload(
                        r.id, "restore", ok ? "completed" : "failed", r.id, r.error, r.startedAt, r.completedAt)));
    }

    /** The audit record of a production overwrite, in the caller's transaction. */
    public void productionOverwritten(Restore r) {
        outbox.publish(EventEnvelope.of(
                EventType.PRODUCTION_OVERWRITE_RESTORE,
                SOURCE,
                r.orgId,
                r.projectId,
                r.correlationId,
                new OverwriteAuditPayload(
                        r.id, r.projectId, r.sourceKind.wire(), r.previewId, r.preCutoverBackupId, r.correlationId)));
    }

    /** restore.started: an overwrite holds the target now (project-service shows the project restoring). */
    public void started(Restore r) {
        outbox.publish(EventEnvelope.of(
                EventType.RESTORE_STARTED,
                SOURCE,
                r.orgId,
                r.projectId,
                r.correlationId,
                payload(r, "running", null, null)));
    }

    public void preview(EventType type, Preview p) {
        outbox.publish(EventEnvelope.of(
                type,
                SOURCE,
                p.orgId,
                p.projectId,
                null,
                new PreviewPayload(p.id, p.projectId, p.name, p.status.wire(), p.hostId, p.databaseName, p.expiresAt)));
    }

    /** The restore as its events carry it, with the status, error and end time of the moment told. */
    private static RestorePayload payload(Restore r, String status, String error, Instant completedAt) {
        return new RestorePayload(
                r.id,
                r.projectId,
                r.sourceKind.wire(),
                r.backupKey,
                r.restoreTime,
                r.restorePointId,
                r.targetKind.wire(),
                r.previewId,
                status,
                error,
                r.createdAt,
                completedAt);
    }
}
