package dev.capydb.cutover.service;

import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Problem;
import dev.capydb.chassis.errors.UniqueViolation;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.readmodel.ProjectBusy;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.cutover.messaging.CutoverEvents;
import dev.capydb.cutover.messaging.SagaConsumers;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.repository.PreviewView;
import dev.capydb.cutover.repository.WaitingFor;
import dev.capydb.events.EventType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cutover request lifecycle as customers and operators drive it: every change checks the state machine, and
 * is recorded with its event in one reactive transaction. Refusals change nothing.
 *
 * <p>Over 300 lines because every state change of a request and its refusals live here, so the state machine reads
 * in one place (reads are in {@link CutoverQueries}).
 */
@ApplicationScoped
public class CutoverService {

    private final PreviewReadModel previews;
    private final ProjectLookup projects;
    private final CutoverEvents events;
    private final CatchUp catchUp;
    private final ProjectBusy busy;
    private final ReactiveTransactions transactions;
    private final BlockingWork blocking;

    public CutoverService(
            PreviewReadModel previews,
            ProjectLookup projects,
            CutoverEvents events,
            CatchUp catchUp,
            ProjectBusy busy,
            ReactiveTransactions transactions,
            BlockingWork blocking) {
        this.transactions = transactions;
        this.blocking = blocking;
        this.catchUp = catchUp;
        this.busy = busy;
        this.previews = previews;
        this.projects = projects;
        this.events = events;
    }

    /** {@code POST …/cutover-requests} as sent. */
    public record NewRequest(UUID previewId, String customerNote, String externalTicketRef) {}

    /** {@code PATCH …/cutover-requests/{id}}: absent fields stay as they are. */
    public record Edit(String customerNote, String externalTicketRef) {}

    public Uni<CutoverRequest> create(ProjectView project, String requestedBy, NewRequest body) {
        texts(
                        Validation.start().check(body.previewId() != null, "preview_id", "is required"),
                        body.customerNote(),
                        body.externalTicketRef())
                .orThrow();
        // A preview restored, extended or deleted an instant ago: decide on what restore-service has announced.
        return blocking.call(() -> catchUp.awaitApplied(
                        SagaConsumers.PREVIEWS, project.projectId().toString()))
                .chain(() -> transactions.run(() -> previews.find(body.previewId())
                        .map(found -> found.filter(p -> p.projectId.equals(project.projectId()))
                                .orElseThrow(() ->
                                        ApiException.notFound("preview " + body.previewId() + " of this project")))
                        .chain(preview -> {
                            requireUsable(preview, now());
                            return CutoverRequest.<CutoverRequest>find(
                                            "previewId = ?1 and status in ?2",
                                            preview.previewId,
                                            List.of(CutoverStatus.OPEN, CutoverStatus.ACKED, CutoverStatus.IN_PROGRESS))
                                    .firstResult()
                                    .chain(active -> {
                                        if (active != null) {
                                            throw alreadyOpen(active.id, active.status);
                                        }
                                        return record(project, requestedBy, body, preview);
                                    });
                        })))
                // Lost a race with another request for the same preview: the partial unique index said no.
                .onFailure(UniqueViolation::in)
                .transform(e -> alreadyOpen(null, CutoverStatus.OPEN));
    }

    private Uni<CutoverRequest> record(ProjectView project, String requestedBy, NewRequest body, PreviewView preview) {
        Instant now = now();
        CutoverRequest r = new CutoverRequest();
        r.id = UUID.randomUUID();
        r.projectId = project.projectId();
        r.orgId = project.orgId();
        r.previewId = preview.previewId;
        r.status = CutoverStatus.OPEN;
        r.customerNote = body.customerNote();
        r.externalTicketRef = body.externalTicketRef();
        r.requestedBy = requestedBy;
        r.createdAt = now;
        r.updatedAt = now;
        return r.persistAndFlush()
                .chain(() -> events.step(EventType.CUTOVER_REQUESTED, r))
                .replaceWith(r);
    }

    /** Adds or replaces the note or ticket reference while the request is open or acked. */
    public Uni<CutoverRequest> edit(UUID projectId, UUID requestId, Edit edit) {
        texts(
                        Validation.start()
                                .check(
                                        edit.customerNote() != null || edit.externalTicketRef() != null,
                                        "body",
                                        "give customer_note or external_ticket_ref"),
                        edit.customerNote(),
                        edit.externalTicketRef())
                .orThrow();
        return transactions.run(() -> lockedInProject(projectId, requestId).map(r -> {
            if (r.status != CutoverStatus.OPEN && r.status != CutoverStatus.ACKED) {
                throw wrongState(r, "edit", "open or acked");
            }
            if (edit.customerNote() != null) {
                r.customerNote = edit.customerNote();
            }
            if (edit.externalTicketRef() != null) {
                r.externalTicketRef = edit.externalTicketRef();
            }
            r.updatedAt = now();
            return r;
        }));
    }

    /** The customer withdraws a request nobody has acknowledged yet. */
    public Uni<CutoverRequest> cancel(UUID projectId, UUID requestId, String by) {
        return transactions.run(() -> lockedInProject(projectId, requestId).chain(r -> {
            move(r, CutoverStatus.CANCELLED, "cancel");
            r.closedBy = by;
            r.closedAt = r.updatedAt;
            return events.step(EventType.CUTOVER_CANCELLED, r).replaceWith(r);
        }));
    }

    public Uni<CutoverRequest> ack(UUID requestId, String operator) {
        return transactions.run(() -> lockedOrNotFound(requestId).chain(r -> {
            move(r, CutoverStatus.ACKED, "ack");
            r.ackedBy = operator;
            r.ackedAt = r.updatedAt;
            return events.step(EventType.CUTOVER_ACKED, r).replaceWith(r);
        }));
    }

    public Uni<CutoverRequest> reject(UUID requestId, String operator, String reason) {
        requireReason(reason);
        return transactions.run(() -> lockedOrNotFound(requestId).chain(r -> {
            move(r, CutoverStatus.REJECTED, "reject");
            r.reason = reason.strip();
            r.closedBy = operator;
            r.closedAt = r.updatedAt;
            return events.step(EventType.CUTOVER_REJECTED, r).replaceWith(r);
        }));
    }

    /**
     * Starts the saga: needs {@code acked}, a ticket reference, the preview still ready and unexpired, and the project
     * active with no other cutover running. backup-service answers {@code cutover.execution_started} with the
     * pre-cutover backup. The waits for Kafka run on the blocking pool, with the request locked as before.
     */
    public Uni<CutoverRequest> execute(UUID requestId, String operator, String idempotencyKey) {
        Validation.start()
                .check(Idempotency.validKey(idempotencyKey), "Idempotency-Key", Idempotency.KEY_RULE)
                .orThrow();
        return transactions.run(() -> lockedOrNotFound(requestId).chain(r -> {
            if (idempotencyKey != null && idempotencyKey.equals(r.executeIdempotencyKey)) {
                // The same execute, retried (a lost response): the saga already runs, answer with where it stands.
                return Uni.createFrom().item(r);
            }
            if (!r.status.canMoveTo(CutoverStatus.IN_PROGRESS)) {
                throw wrongState(r, "execute", "acked");
            }
            if (r.externalTicketRef == null || r.externalTicketRef.isBlank()) {
                throw new ApiException(
                        422,
                        "ticket_ref_required",
                        "cutover request " + r.id + " has no external_ticket_ref; "
                                + "the customer adds it with PATCH before it can be executed");
            }
            return blocking.call(() -> catchUp.awaitApplied(SagaConsumers.PREVIEWS, r.projectId.toString()))
                    .chain(() -> previews.find(r.previewId))
                    .chain(found -> {
                        PreviewView preview = found.orElseThrow(() -> new ApiException(
                                409,
                                "preview_not_ready",
                                "preview " + r.previewId + " is no longer known; nothing was started"));
                        requireUsable(preview, now());
                        return projects.findReactive(r.projectId);
                    })
                    .chain(found -> {
                        ProjectView project = found.filter(p -> !p.isDeleted())
                                .orElseThrow(() -> new ApiException(
                                        409,
                                        "project_deleted",
                                        "project " + r.projectId + " was deleted; nothing was started"));
                        // Waits for Kafka when the project looks busy: the blocking pool, never the event loop.
                        return blocking.call(() -> busy.requireActive(project, "execute once that has finished"));
                    })
                    .chain(() -> CutoverRequest.count(
                            "projectId = ?1 and status = ?2 and id <> ?3",
                            r.projectId,
                            CutoverStatus.IN_PROGRESS,
                            r.id))
                    .chain(running -> {
                        if (running > 0) {
                            throw ApiException.projectBusy("another cutover of this project is in progress");
                        }
                        move(r, CutoverStatus.IN_PROGRESS, "execute");
                        r.executedBy = operator;
                        r.executeIdempotencyKey = idempotencyKey;
                        r.startedAt = r.updatedAt;
                        r.waitingFor = WaitingFor.PRE_CUTOVER_BACKUP;
                        r.waitingSince = r.updatedAt;
                        return events.step(EventType.CUTOVER_EXECUTION_STARTED, r)
                                .replaceWith(r);
                    });
        }));
    }

    /** An operator ends a cutover whose saga step never answered; it stays failed, nothing is retried. */
    public Uni<CutoverRequest> markFailed(UUID requestId, String operator, String reason) {
        requireReason(reason);
        return transactions.run(() -> lockedOrNotFound(requestId).chain(r -> {
            String waited = r.waitingFor;
            return fail(
                            r,
                            "marked failed by an operator while waiting for " + waited + ": " + reason.strip(),
                            "mark failed")
                    .invoke(() -> {
                        r.closedBy = operator;
                        r.closedAt = r.updatedAt;
                    })
                    .replaceWith(r);
        }));
    }

    /** Moves an in-progress request to {@code failed} with its reason and announces it (the caller's transaction). */
    public Uni<Void> fail(CutoverRequest r, String reason, String action) {
        return Uni.createFrom().deferred(() -> {
            move(r, CutoverStatus.FAILED, action);
            r.reason = reason;
            r.waitingFor = null;
            r.waitingSince = null;
            r.finishedAt = r.updatedAt;
            return events.step(EventType.CUTOVER_FAILED, r);
        });
    }

    /** Moves a request to {@code target}, or refuses with 409 naming its current state. */
    public void move(CutoverRequest r, CutoverStatus target, String action) {
        if (!r.status.canMoveTo(target)) {
            throw wrongState(r, action, needsFor(target));
        }
        r.status = target;
        r.updatedAt = now();
    }

    /** The request, locked for the rest of the caller's transaction. */
    public Uni<Optional<CutoverRequest>> locked(UUID requestId) {
        return CutoverRequest.<CutoverRequest>findById(requestId, LockModeType.PESSIMISTIC_WRITE)
                .map(Optional::ofNullable);
    }

    private Uni<CutoverRequest> lockedOrNotFound(UUID requestId) {
        return locked(requestId).map(r -> r.orElseThrow(() -> ApiException.notFound("cutover request " + requestId)));
    }

    private Uni<CutoverRequest> lockedInProject(UUID projectId, UUID requestId) {
        return locked(requestId)
                .map(r -> r.filter(x -> x.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("cutover request " + requestId)));
    }

    private static String needsFor(CutoverStatus target) {
        return Arrays.stream(CutoverStatus.values())
                .filter(s -> s.canMoveTo(target))
                .map(CutoverStatus::wire)
                .reduce((a, b) -> a + " or " + b)
                .orElse("nothing");
    }

    /** The limits of the customer's free texts; absent means unchanged, present must fit. */
    private Validation texts(Validation v, String note, String ticket) {
        return v.check(
                        note == null || note.length() <= CutoverLimits.CUSTOMER_NOTE,
                        "customer_note",
                        "must be at most " + CutoverLimits.CUSTOMER_NOTE + " characters")
                .check(
                        ticket == null || ticket.length() <= CutoverLimits.TICKET_REF,
                        "external_ticket_ref",
                        "must be at most " + CutoverLimits.TICKET_REF + " characters")
                .check(ticket == null || !ticket.isBlank(), "external_ticket_ref", "must not be blank");
    }

    private void requireReason(String reason) {
        Validation.start()
                .check(reason != null && !reason.isBlank(), "reason", "is required")
                .check(
                        reason == null || reason.length() <= CutoverLimits.REASON,
                        "reason",
                        "must be at most " + CutoverLimits.REASON + " characters")
                .orThrow();
    }

    /** A preview a cutover may use: ready and not expired, per the last announcement. */
    public static void requireUsable(PreviewView preview, Instant now) {
        if (!"ready".equals(preview.status)) {
            throw new ApiException(409, "preview_not_ready", "preview " + preview.previewId + " is " + preview.status);
        }
        if (!preview.expiresAt.isAfter(now)) {
            throw new ApiException(
                    409,
                    "preview_expired",
                    "preview " + preview.previewId + " expired at " + preview.expiresAt
                            + "; extend its TTL or create a new preview");
        }
    }

    /** 409 naming the request's current state (also in {@code errors[0]} as field {@code status}). */
    static ApiException wrongState(CutoverRequest r, String action, String needs) {
        return new ApiException(
                409,
                "invalid_state",
                "cutover request " + r.id + " is " + r.status.wire() + "; " + action + " needs " + needs,
                List.of(new Problem.FieldError("status", r.status.wire())));
    }

    private static ApiException alreadyOpen(UUID existing, CutoverStatus status) {
        return ApiException.conflict(
                "cutover_request_exists",
                "this preview already has an unfinished cutover request"
                        + (existing == null ? "" : " (" + existing + ", " + status.wire() + ")")
                        + "; cancel or finish it first");
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
