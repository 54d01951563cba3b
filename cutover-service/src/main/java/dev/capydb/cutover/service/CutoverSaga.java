package dev.capydb.cutover.service;

import dev.capydb.cutover.messaging.CutoverEvents;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.repository.WaitingFor;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePayload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The cutover saga's reactions (docs/cutovers.md): a verified pre-cutover backup starts the promotion, the promotion's
 * outcome ends the request. Each answer only counts for the step the request is waiting for; nothing is retried.
 */
@ApplicationScoped
public class CutoverSaga {

    private static final Logger LOG = Logger.getLogger(CutoverSaga.class);
    static final String PRE_CUTOVER_KIND = "pre_cutover";

    private final CutoverService requests;
    private final PreviewReadModel previews;
    private final CutoverEvents events;

    public CutoverSaga(CutoverService requests, PreviewReadModel previews, CutoverEvents events) {
        this.requests = requests;
        this.previews = previews;
        this.events = events;
    }

    /** {@code backup.completed|failed} of the pre-cutover backup (correlation id = the request), in the inbox's transaction. */
    public Uni<Void> onBackupOutcome(EventEnvelope e) {
        boolean completed = EventType.BACKUP_COMPLETED.wireName().equals(e.type());
        if (!completed && !EventType.BACKUP_FAILED.wireName().equals(e.type())) {
            return Uni.createFrom().voidItem();
        }
        BackupPayload b = e.dataAs(BackupPayload.class);
        if (!PRE_CUTOVER_KIND.equals(b.kind())) {
            return Uni.createFrom().voidItem();
        }
        return request(e)
                .chain(found ->
                        found.isEmpty() ? Uni.createFrom().voidItem() : backupOutcome(found.get(), b, completed));
    }

    private Uni<Void> backupOutcome(CutoverRequest r, BackupPayload b, boolean completed) {
        if (r.status != CutoverStatus.IN_PROGRESS || !WaitingFor.PRE_CUTOVER_BACKUP.equals(r.waitingFor)) {
            late(
                    r,
                    "pre-cutover backup " + b.backupId() + (completed ? " completed" : " failed")
                            + " after the request was " + r.status.wire() + "; nothing was promoted");
            return Uni.createFrom().voidItem();
        }
        r.preCutoverBackupId = b.backupId();
        if (!completed) {
            return requests.fail(
                    r, "the pre-cutover backup failed: " + b.error() + "; production was not changed", "fail");
        }
        if (!Boolean.TRUE.equals(b.verified())) {
            return requests.fail(
                    r,
                    "the pre-cutover backup " + b.backupId() + " could not be verified; production was not changed",
                    "fail");
        }
        return previews.find(r.previewId).chain(preview -> {
            if (preview.isEmpty() || !preview.get().usableAt(CutoverService.now())) {
                String state = preview.map(p -> "ready".equals(p.status) ? "expired" : p.status)
                        .orElse("gone");
                // The preview must be ready for the whole flow; copying a dropped database would fail on the host
                // anyway.
                return requests.fail(
                        r,
                        "preview " + r.previewId + " is " + state + " before the promotion; production was not "
                                + "changed (pre-cutover backup " + b.backupId() + " is kept)",
                        "fail");
            }
            r.waitingFor = WaitingFor.PROMOTION;
            r.waitingSince = CutoverService.now();
            r.updatedAt = r.waitingSince;
            return events.step(EventType.CUTOVER_PROMOTE_STARTED, r);
        });
    }

    /** {@code restore.completed|failed} of the promotion (a production restore correlated to the request). */
    public Uni<Void> onRestoreOutcome(EventEnvelope e) {
        boolean completed = EventType.RESTORE_COMPLETED.wireName().equals(e.type());
        if (!completed && !EventType.RESTORE_FAILED.wireName().equals(e.type())) {
            return Uni.createFrom().voidItem();
        }
        RestorePayload p = e.dataAs(RestorePayload.class);
        if (!"project".equals(p.targetKind()) || !"preview".equals(p.sourceKind())) {
            return Uni.createFrom().voidItem();
        }
        return request(e)
                .chain(found ->
                        found.isEmpty() ? Uni.createFrom().voidItem() : restoreOutcome(found.get(), p, completed));
    }

    private Uni<Void> restoreOutcome(CutoverRequest r, RestorePayload p, boolean completed) {
        if (r.status != CutoverStatus.IN_PROGRESS || !WaitingFor.PROMOTION.equals(r.waitingFor)) {
            late(
                    r,
                    completed
                            ? "the promotion (restore " + p.restoreId() + ") completed after the request was "
                                    + r.status.wire() + ": production now holds the preview's data"
                            : "the promotion (restore " + p.restoreId() + ") failed after the request was "
                                    + r.status.wire() + ": " + p.error());
            return Uni.createFrom().voidItem();
        }
        if (!completed) {
            return requests.fail(r, "the promotion failed: " + p.error(), "fail");
        }
        requests.move(r, CutoverStatus.COMPLETED, "complete");
        r.waitingFor = null;
        r.waitingSince = null;
        r.finishedAt = r.updatedAt;
        return events.step(EventType.CUTOVER_COMPLETED, r);
    }

    private Uni<Optional<CutoverRequest>> request(EventEnvelope e) {
        UUID id;
        try {
            id = e.correlationId() == null ? null : UUID.fromString(e.correlationId());
        } catch (IllegalArgumentException notOurs) {
            return Uni.createFrom().item(Optional.empty());
        }
        return id == null ? Uni.createFrom().item(Optional.empty()) : requests.locked(id);
    }

    private void late(CutoverRequest r, String what) {
        if (r.status != CutoverStatus.FAILED) {
            // A repeated answer to a step already taken: nothing new to record.
            LOG.debugf("cutover request %s: ignoring a repeated answer (%s)", r.id, what);
            return;
        }
        LOG.warnf("cutover request %s: %s", r.id, what);
        r.lateOutcome = what;
        r.updatedAt = CutoverService.now();
    }
}
