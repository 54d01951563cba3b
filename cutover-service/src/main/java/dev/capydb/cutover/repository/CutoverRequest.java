package dev.capydb.cutover.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    @Column(name = "preview_id")
    public UUID previewId;
    @Enumerated(EnumType.STRING)
    public CutoverStatus status;
    @Column(name = "customer_note")
    public String customerNote;
    @Column(name = "external_ticket_ref")
    public String externalTicketRef;
    /** Why it was rejected or failed. */
    public String reason;
    @Column(name = "pre_cutover_backup_id")
    public UUID preCutoverBackupId;
    /** While in progress: the saga step that has not answered yet. */
    @Column(name = "waiting_for")
    public String waitingFor;
    @Column(name = "waiting_since")
    public Instant waitingSince;
    /** A step that answered after the request had already ended (an operator marked it failed). */
    @Column(name = "late_outcome")
    public String lateOutcome;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "acked_by")
    public String ackedBy;
    /** Who rejected, cancelled or marked it failed. */
    @Column(name = "closed_by")
    public String closedBy;
    @Column(name = "executed_by")
    public String executedBy;
    @Column(name = "execute_idempotency_key")
    public String executeIdempotencyKey;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "acked_at")
    public Instant ackedAt;
    @Column(name = "closed_at")
    public Instant closedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
