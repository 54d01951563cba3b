package dev.capydb.restore.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.UniqueViolation;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.jobs.JobError;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectBusy;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Principal;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.KnownBackups;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.RestorePoint;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.SourceKind;
import dev.capydb.restore.repository.TargetKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Validates restore requests and records them (the worker runs them); lists and shows restores. */
@ApplicationScoped
public class RestoreService {

    private final KnownBackups backups;
    private final PreviewService previews;
    private final RestoreEvents events;
    private final RestoreConfig config;
    private final PitrWindow pitr;
    private final ProjectBusy busy;

    public RestoreService(
            KnownBackups backups,
            PreviewService previews,
            RestoreEvents events,
            RestoreConfig config,
            PitrWindow pitr,
            ProjectBusy busy) {
        this.pitr = pitr;
        this.busy = busy;
        this.backups = backups;
        this.previews = previews;
        this.events = events;
        this.config = config;
    }

    /** A restore request as sent. */
    public record Request(
            String backupKey,
            String restoreTime,
            UUID restorePointId,
            String targetKind,
            UUID previewId,
            String previewName,
            Integer ttlHours,
            Boolean confirmProjectOverwrite) {}

    /** Checks the request in the order a user can act on: shape, confirmation, role, then the source itself. */
    public Restore request(ProjectView project, Principal caller, Request r, String idempotencyKey) {
        return Idempotency.once(
                        idempotencyKey,
                        key -> QuarkusTransaction.requiringNew()
                                .call(() -> Restore.<Restore>find(
                                                "projectId = ?1 and idempotencyKey = ?2", project.projectId(), key)
                                        .firstResultOptional()),
                        () -> validateAndInsert(project, caller, r, idempotencyKey))
                .job();
    }

    private Restore validateAndInsert(ProjectView project, Principal caller, Request r, String idempotencyKey) {
        Optional<TargetKind> parsed =
                r.targetKind() == null ? Optional.of(TargetKind.NEW_PREVIEW) : TargetKind.fromWire(r.targetKind());
        int sources = (r.backupKey() != null ? 1 : 0)
                + (r.restoreTime() != null ? 1 : 0)
                + (r.restorePointId() != null ? 1 : 0);
        Validation.start()
                .check(sources == 1, "source", "give exactly one of backup_key, restore_time, restore_point_id")
                .check(parsed.isPresent(), "target_kind", "must be new_preview, preview or project")
                .check(
                        parsed.orElse(null) != TargetKind.PREVIEW || r.previewId() != null,
                        "preview_id",
                        "is required for target_kind preview")
                .check(r.restoreTime() == null || parses(r.restoreTime()), "restore_time", "must be an RFC 3339 time")
                .check(Idempotency.validKey(idempotencyKey), "Idempotency-Key", Idempotency.KEY_RULE)
                .orThrow();
        TargetKind target = parsed.orElseThrow();
        if (target == TargetKind.NEW_PREVIEW) {
            previews.validate(r.previewName(), r.ttlHours());
        }
        if (target == TargetKind.PROJECT) {
            if (!Boolean.TRUE.equals(r.confirmProjectOverwrite())) {
                throw new ApiException(
                        422,
                        "confirmation_required",
                        "restoring into the project overwrites production; "
                                + "send confirm_project_overwrite: true to confirm");
            }
            if (!caller.isAdminOf(project.orgId())) {
                throw ApiException.forbidden("only an admin of " + project.orgId() + " may overwrite production");
            }
        }
        // Resolve the source: a restore point names a backup or a time.
        String backupKey = r.backupKey();
        Instant restoreTime = r.restoreTime() == null
                ? null
                : OffsetDateTime.parse(r.restoreTime()).toInstant();
        SourceKind sourceKind = backupKey != null
                ? SourceKind.BACKUP
                : restoreTime != null ? SourceKind.PITR : SourceKind.RESTORE_POINT;
        if (r.restorePointId() != null) {
            var point = QuarkusTransaction.requiringNew()
                    .call(() -> RestorePoint.<RestorePoint>findByIdOptional(r.restorePointId())
                            .filter(rp -> rp.projectId.equals(project.projectId())))
                    .orElseThrow(() -> ApiException.notFound("restore point " + r.restorePointId()));
            backupKey = point.backupKey;
            restoreTime = point.pointTime;
        }
        if (backupKey != null) {
            String key = backupKey;
            backups.findForRequest(project.projectId(), key)
                    .orElseThrow(() -> ApiException.notFound("backup " + key + " of this project"));
        } else {
            pitr.require(project, restoreTime);
        }
        String resolvedKey = backupKey;
        Instant resolvedTime = backupKey == null ? restoreTime : null;
        Preview existing = target == TargetKind.PREVIEW ? previews.get(project.projectId(), r.previewId()) : null;
        if (existing != null && existing.status != PreviewStatus.READY) {
            throw ApiException.conflict(
                    "preview_not_ready", "preview " + existing.id + " is " + existing.status.wire());
        }
        if (target == TargetKind.PROJECT) {
            busy.requireActive(project, "wait for that to finish");
        }
        try {
            return insert(r, caller, idempotencyKey, project, target, sourceKind, resolvedKey, resolvedTime, existing);
        } catch (RuntimeException e) {
            if (UniqueViolation.of(e, "restore_one_overwrite")) {
                // Another request won the race between the check below and its insert.
                throw ApiException.projectBusy("another restore is overwriting this project or one of its previews");
            }
            throw e;
        }
    }

    private static boolean hasOpenOverwrite(UUID projectId) {
        return Restore.count(
                        "projectId = ?1 and targetKind <> ?2 and status in (?3)",
                        projectId,
                        TargetKind.NEW_PREVIEW,
                        List.of(RestoreStatus.PENDING, RestoreStatus.RUNNING))
                > 0;
    }

    private Restore insert(
            Request r,
            Principal caller,
            String idempotencyKey,
            ProjectView project,
            TargetKind target,
            SourceKind sourceKind,
            String resolvedKey,
            Instant resolvedTime,
            Preview existing) {
        return QuarkusTransaction.requiringNew().call(() -> {
            // The API's early answer (the unique index restore_one_overwrite settles races); the exclusive project
            // lock taken by the worker is the guard against everything else.
            if (target != TargetKind.NEW_PREVIEW && hasOpenOverwrite(project.projectId())) {
                throw ApiException.projectBusy("another restore is overwriting this project or one of its previews");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Restore x = new Restore();
            x.id = UUID.randomUUID();
            x.projectId = project.projectId();
            x.orgId = project.orgId();
            x.sourceKind = sourceKind;
            x.backupKey = resolvedKey;
            x.restoreTime = resolvedTime;
            x.restorePointId = r.restorePointId();
            x.targetKind = target;
            if (target == TargetKind.NEW_PREVIEW) {
                x.ttlHours = r.ttlHours() == null ? config.defaultTtlHours() : r.ttlHours();
                String name = r.previewName() != null
                        ? r.previewName()
                        : "restore-" + x.id.toString().substring(0, 8);
                Preview preview = previews.plan(project, name, x.ttlHours);
                x.previewId = preview.id;
                x.previewName = name;
            } else if (existing != null) {
                x.previewId = existing.id;
                x.previewName = existing.name;
            }
            x.status = RestoreStatus.PENDING;
            x.phase = RestorePhase.QUEUED;
            x.idempotencyKey = idempotencyKey;
            x.createdBy = caller.subject();
            x.createdAt = now;
            x.persistAndFlush();
            return x;
        });
    }

    private static boolean parses(String time) {
        try {
            OffsetDateTime.parse(time);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    public Page<Restore> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        Restore.<Restore>find(k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                                .page(0, k.fetch())
                                .list(),
                        x -> new Cursor(x.createdAt, x.id)));
    }

    public Restore get(UUID projectId, UUID restoreId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Restore.<Restore>findByIdOptional(restoreId)
                        .filter(x -> x.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("restore " + restoreId)));
    }

    /** Ends a restore as failed (row + events in one transaction). */
    public void fail(UUID restoreId, String error) {
        QuarkusTransaction.requiringNew().run(() -> {
            Restore x = Restore.findById(restoreId);
            if (x.status == RestoreStatus.COMPLETED || x.status == RestoreStatus.FAILED) {
                return;
            }
            x.status = x.status.moveTo(RestoreStatus.FAILED);
            x.error = JobError.bounded(error);
            x.completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            x.leaseUntil = null;
            events.finished(x);
        });
    }
}
