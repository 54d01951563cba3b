package dev.capydb.backup.messaging;

import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.JobPayload;
import jakarta.enterprise.context.ApplicationScoped;

/** Announces backup outcomes (with their job events) and base backups through the outbox. */
@ApplicationScoped
public class BackupEvents {

    static final String SOURCE = "backup-service";

    private final Outbox outbox;

    public BackupEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** backup.completed + job.completed, or backup.failed + job.failed, in the caller's transaction. */
    public void finished(Backup b) {
        boolean ok = b.status == BackupStatus.COMPLETED;
        BackupPayload payload = new BackupPayload(
                b.id,
                b.projectId,
                b.label,
                b.kind.wire(),
                ok ? "completed" : "failed",
                b.backupKey,
                b.sizeBytes,
                b.sha256,
                b.verified,
                b.error,
                b.createdAt,
                b.completedAt);
        outbox.publish(EventEnvelope.of(
                ok ? EventType.BACKUP_COMPLETED : EventType.BACKUP_FAILED,
                SOURCE,
                b.orgId,
                b.projectId,
                b.correlationId,
                payload));
        JobPayload job =
                new JobPayload(b.id, "backup", ok ? "completed" : "failed", b.id, b.error, b.startedAt, b.completedAt);
        outbox.publish(EventEnvelope.of(
                ok ? EventType.JOB_COMPLETED : EventType.JOB_FAILED,
                SOURCE,
                b.orgId,
                b.projectId,
                b.correlationId,
                job));
    }

    public void baseBackupCompleted(BaseBackup b) {
        outbox.publish(EventEnvelope.of(EventType.BASE_BACKUP_COMPLETED, SOURCE, null, null, null, payload(b)));
    }

    public void baseBackupExpired(BaseBackup b) {
        outbox.publish(EventEnvelope.of(EventType.BASE_BACKUP_EXPIRED, SOURCE, null, null, null, payload(b)));
    }

    private static BaseBackupPayload payload(BaseBackup b) {
        return new BaseBackupPayload(
                b.id,
                b.hostId,
                b.objectKey,
                b.label,
                b.kind == null ? null : b.kind.option(),
                b.startTime,
                b.startLsn,
                b.endTime,
                b.sizeBytes == null ? 0 : b.sizeBytes);
    }
}
