package dev.capydb.cutover.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A customer's request to promote a preview to production, and where its execution saga stands. */
@Entity
@Table(name = "cutover_request")
public class CutoverRequest extends PanacheEntityBase {

    @Id
    public UUID id;

    public UUID projectId;
    public String orgId;
    public UUID previewId;

    @Enumerated(EnumType.STRING)
    public CutoverStatus status;

    public String customerNote;
    public String externalTicketRef;
    /** Why it was rejected or failed. */
    public String reason;

    public UUID preCutoverBackupId;
    /** While in progress: the saga step that has not answered yet. */
    public String waitingFor;

    public Instant waitingSince;
    /** A step that answered after the request had already ended (an operator marked it failed). */
    public String lateOutcome;

    public String requestedBy;
    public String ackedBy;
    /** Who rejected, cancelled or marked it failed. */
    public String closedBy;

    public String executedBy;
    public String executeIdempotencyKey;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant ackedAt;
    public Instant closedAt;
    public Instant startedAt;
    public Instant finishedAt;
}
