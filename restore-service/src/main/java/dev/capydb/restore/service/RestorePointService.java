package dev.capydb.restore.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePointPayload;
import dev.capydb.restore.repository.KnownBackups;
import dev.capydb.restore.repository.RestorePoint;
import dev.capydb.restore.repository.RestorePointKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Restore points: a label on a completed backup (which backup-service then never removes) or on a moment inside
 * the project's PITR window. Labels are unique per project.
 */
@ApplicationScoped
public class RestorePointService {

    public static final int MAX_LABEL = 100;

    private final KnownBackups backups;
    private final PitrWindow pitr;
    private final Outbox outbox;

    public RestorePointService(KnownBackups backups, PitrWindow pitr, Outbox outbox) {
        this.backups = backups;
        this.pitr = pitr;
        this.outbox = outbox;
    }

    /** A restore point as requested. */
    public record Request(String label, String kind, String backupKey, String timestamp) {}

    public RestorePoint create(ProjectView project, String createdBy, Request r) {
        RestorePointKind kind = r.kind() == null
                ? RestorePointKind.PITR
                : RestorePointKind.fromWire(r.kind()).orElse(null);
        Validation.start()
                .check(
                        r.label() != null
                                && !r.label().isBlank()
                                && r.label().length() <= MAX_LABEL
                                && r.label().chars().noneMatch(Character::isISOControl),
                        "label",
                        "must be 1-" + MAX_LABEL + " characters")
                .check(kind != null, "kind", "must be backup or pitr")
                .check(
                        kind != RestorePointKind.BACKUP || r.backupKey() != null,
                        "backup_key",
                        "is required for kind backup")
                .check(
                        kind != RestorePointKind.BACKUP || r.timestamp() == null,
                        "timestamp",
                        "only applies to kind pitr")
                .check(
                        kind != RestorePointKind.PITR || r.backupKey() == null,
                        "backup_key",
                        "only applies to kind backup")
                .check(r.timestamp() == null || parses(r.timestamp()), "timestamp", "must be an RFC 3339 time")
                .orThrow();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant pointTime = null;
        String lsn = null;
        if (kind == RestorePointKind.BACKUP) {
            backups.findForRequest(project.projectId(), r.backupKey())
                    .orElseThrow(() -> ApiException.notFound("backup " + r.backupKey() + " of this project"));
        } else if (r.timestamp() == null) {
            // "Now": the window must exist; switching WAL makes this moment archivable right away.
            pitr.require(
                    project, pitr.of(project).map(PitrWindow.Window::earliest).orElse(now));
            pointTime = now;
            lsn = pitr.switchWalAndLsn(project);
        } else {
            pointTime = OffsetDateTime.parse(r.timestamp()).toInstant();
            pitr.require(project, pointTime);
        }
        Instant at = pointTime;
        String pointLsn = lsn;
        return QuarkusTransaction.requiringNew().call(() -> {
            if (RestorePoint.count("projectId = ?1 and label = ?2", project.projectId(), r.label()) > 0) {
                throw ApiException.conflict(
                        "label_taken", "this project already has a restore point labelled " + r.label());
            }
            RestorePoint p = new RestorePoint();
            p.id = UUID.randomUUID();
            p.projectId = project.projectId();
            p.orgId = project.orgId();
            p.label = r.label();
            p.kind = kind;
            p.backupKey = r.backupKey();
            p.pointTime = at;
            p.lsn = pointLsn;
            p.createdBy = createdBy;
            p.createdAt = now;
            p.persist();
            announce(EventType.RESTORE_POINT_CREATED, p);
            return p;
        });
    }

    public Page<RestorePoint> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        RestorePoint.<RestorePoint>find(
                                        k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                                .page(0, k.fetch())
                                .list(),
                        p -> new Cursor(p.createdAt, p.id)));
    }

    public RestorePoint get(UUID projectId, UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> RestorePoint.<RestorePoint>findByIdOptional(id)
                        .filter(p -> p.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("restore point " + id)));
    }

    public void delete(UUID projectId, UUID id) {
        get(projectId, id);
        QuarkusTransaction.requiringNew().run(() -> {
            RestorePoint p = RestorePoint.findById(id);
            p.delete();
            announce(EventType.RESTORE_POINT_DELETED, p);
        });
    }

    private void announce(EventType type, RestorePoint p) {
        outbox.publish(EventEnvelope.of(
                type,
                "restore-service",
                p.orgId,
                p.projectId,
                null,
                new RestorePointPayload(p.id, p.projectId, p.label, p.kind.wire(), p.backupKey, p.pointTime, p.lsn)));
    }

    private static boolean parses(String time) {
        try {
            OffsetDateTime.parse(time);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
