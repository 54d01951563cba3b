package dev.capydb.backup.service;

import dev.capydb.backup.messaging.BackupConsumers;
import dev.capydb.backup.messaging.BackupEvents;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.jobs.JobError;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Records backup requests (the worker runs them), lists them, and deletes them when nothing pins them. */
@ApplicationScoped
public class BackupService {

    public static final int MAX_LABEL = 100;

    private final BackupRepository backups;
    private final RestorePointPins pins;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupEvents events;
    private final CatchUp catchUp;
    /** The incoming channel of {@code capydb.restores}, which announces restore points. */
    public BackupService(
            BackupRepository backups,
            RestorePointPins pins,
            ObjectStore store,
            StorageConfig storage,
            BackupEvents events,
            CatchUp catchUp) {
        this.catchUp = catchUp;
        this.backups = backups;
        this.pins = pins;
        this.store = store;
        this.storage = storage;
        this.events = events;
    }

    /** What to back up and why. */
    public record Request(
            ProjectView project,
            String label,
            BackupKind kind,
            boolean verify,
            String correlationId,
            String idempotencyKey,
            Instant scheduledFor,
            String createdBy) {}

    public static void validateLabel(String label) {
        Validation.start()
                .check(
                        label == null || (!label.isBlank() && label.length() <= MAX_LABEL),
                        "label",
                        "must be 1-" + MAX_LABEL + " characters")
                .check(
                        label == null || label.chars().noneMatch(Character::isISOControl),
                        "label",
                        "must not contain control characters")
                .orThrow();
    }

    /** A new backup, or the earlier one of the same idempotency key (also when both requests raced). */
    public Idempotency.Outcome<Backup> request(Request r) {
        return Idempotency.once(
                r.idempotencyKey(),
                key -> backups.findByIdempotencyKey(r.project().projectId(), key),
                () -> insert(r));
    }

    private Backup insert(Request r) {
        Backup b = new Backup();
        b.id = UUID.randomUUID();
        b.projectId = r.project().projectId();
        b.orgId = r.project().orgId();
        b.label = r.label();
        b.kind = r.kind();
        b.status = BackupStatus.PENDING;
        b.verify = r.verify() || r.kind() == BackupKind.PRE_CUTOVER;
        b.correlationId = r.correlationId();
        b.idempotencyKey = r.idempotencyKey();
        b.scheduledFor = r.scheduledFor();
        b.createdBy = r.createdBy();
        b.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        b.backupKey = "projects/" + b.projectId + "/backups/" + b.id + ".dump";
        // Joins the caller's transaction when there is one (the scheduler's slot claim), so both commit together.
        QuarkusTransaction.joiningExisting().run(() -> backups.persist(b));
        return b;
    }

    public Page<Backup> list(UUID projectId, boolean includeExpired, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        List<Backup> rows = backups.page(
                projectId,
                includeExpired,
                after == null ? null : after.at(),
                after == null ? null : after.id(),
                size + 1);
        return Page.of(rows, size, b -> new Cursor(b.createdAt, b.id));
    }

    public Backup get(UUID projectId, UUID backupId) {
        return backups.findInProject(projectId, backupId)
                .orElseThrow(() -> ApiException.notFound("backup " + backupId));
    }

    /** Removes the object, then the row. Refused while the backup runs or a restore point names it. */
    public void delete(UUID projectId, UUID backupId) {
        Backup b = get(projectId, backupId);
        if (!b.status.finished()) {
            throw ApiException.conflict("backup_running", "backup " + backupId + " is still " + b.status.wire());
        }
        // A restore point made (or removed) an instant ago pins (or frees) it: decide on what restore-service
        // announced.
        catchUp.awaitApplied(BackupConsumers.RESTORE_POINTS, projectId.toString());
        if (b.status == BackupStatus.COMPLETED && pins.isPinned(b.backupKey)) {
            throw ApiException.conflict(
                    "backup_pinned", "a restore point uses this backup; delete the restore point first");
        }
        if (b.status == BackupStatus.COMPLETED || b.status == BackupStatus.DELETING) {
            store.delete(storage.backupsBucket(), b.backupKey);
        }
        QuarkusTransaction.requiringNew().run(() -> backups.deleteById(backupId));
    }

    /** Ends a backup as failed (row + events in one transaction); no object remains under its key. */
    public void fail(UUID backupId, String error) {
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = backups.findById(backupId);
            if (b.status.finished()) {
                return;
            }
            b.status = b.status.moveTo(BackupStatus.FAILED);
            b.error = JobError.bounded(error);
            b.completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            b.leaseUntil = null;
            events.finished(b);
        });
    }
}
