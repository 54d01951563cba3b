package dev.capydb.cutover.rest;

import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.PreviewView;
import dev.capydb.cutover.service.CutoverLimits;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the cutover-requests API (snake_case on the wire). */
public final class CutoverDtos {

    private CutoverDtos() {}

    /** {@code POST /v1/projects/{id}/cutover-requests}. */
    @Schema(
            example = "{\"preview_id\": \"0b7f6a52-3c1e-4a8e-9f0d-2a6c1d9e4b71\", "
                    + "\"customer_note\": \"Promote the migrated schema after Friday's rehearsal\", "
                    + "\"external_ticket_ref\": \"SUP-4821\"}")
    public record CreateCutover(
            @Schema(required = true, description = "The ready preview whose contents become production")
            UUID previewId,

            @Schema(maxLength = CutoverLimits.CUSTOMER_NOTE, description = "What the operator should know")
            String customerNote,

            @Schema(
                    minLength = 1,
                    maxLength = CutoverLimits.TICKET_REF,
                    description = "The support thread or ticket where the cutover is coordinated; required before "
                            + "execution")
            String externalTicketRef) {}

    /** {@code PATCH …/cutover-requests/{id}}: add or replace the note or the ticket reference. */
    @Schema(example = "{\"external_ticket_ref\": \"SUP-4821\"}")
    public record EditCutover(
            @Schema(maxLength = CutoverLimits.CUSTOMER_NOTE) String customerNote,

            @Schema(minLength = 1, maxLength = CutoverLimits.TICKET_REF)
            String externalTicketRef) {}

    /** {@code POST /v1/operator/cutover-requests/{id}/reject|fail}. */
    @Schema(example = "{\"reason\": \"The preview still has the old schema; please rebuild it\"}")
    public record Reason(
            @Schema(required = true, minLength = 1, maxLength = CutoverLimits.REASON)
            String reason) {}

    /**
     * A cutover request. {@code waiting_for} ({@code pre_cutover_backup} or {@code promotion}) and
     * {@code waiting_since} say which saga step an in-progress request waits on; {@code pre_cutover_backup_label} is
     * the backup's label in the project's backup list; {@code preview_status}/{@code preview_expires_at} are the
     * preview as last announced, so a TTL running out is visible before execution.
     */
    public record CutoverBody(
            UUID id,
            UUID projectId,
            String orgId,
            UUID previewId,

            @Schema(enumeration = {"open", "acked", "rejected", "cancelled", "in_progress", "completed", "failed"})
            String status,

            @Schema(nullable = true) String customerNote,
            @Schema(nullable = true) String externalTicketRef,
            @Schema(nullable = true) String reason,
            @Schema(nullable = true) UUID preCutoverBackupId,
            @Schema(nullable = true) String preCutoverBackupLabel,

            @Schema(
                    nullable = true,
                    enumeration = {"pre_cutover_backup", "promotion"})
            String waitingFor,

            @Schema(nullable = true) Instant waitingSince,
            @Schema(nullable = true) String lateOutcome,

            @Schema(
                    nullable = true,
                    enumeration = {"ready", "expired", "deleted"})
            String previewStatus,

            @Schema(nullable = true) Instant previewExpiresAt,
            String requestedBy,
            @Schema(nullable = true) String ackedBy,
            @Schema(nullable = true) String closedBy,
            @Schema(nullable = true) String executedBy,
            Instant createdAt,
            Instant updatedAt,
            @Schema(nullable = true) Instant ackedAt,
            @Schema(nullable = true) Instant closedAt,
            @Schema(nullable = true) Instant startedAt,
            @Schema(nullable = true) Instant finishedAt) {

        static CutoverBody of(CutoverRequest r, Optional<PreviewView> preview) {
            return new CutoverBody(
                    r.id,
                    r.projectId,
                    r.orgId,
                    r.previewId,
                    r.status.wire(),
                    r.customerNote,
                    r.externalTicketRef,
                    r.reason,
                    r.preCutoverBackupId,
                    r.startedAt == null ? null : "pre-cutover-" + r.id,
                    r.waitingFor,
                    r.waitingSince,
                    r.lateOutcome,
                    preview.map(p -> p.status).orElse(null),
                    preview.map(p -> p.expiresAt).orElse(null),
                    r.requestedBy,
                    r.ackedBy,
                    r.closedBy,
                    r.executedBy,
                    r.createdAt,
                    r.updatedAt,
                    r.ackedAt,
                    r.closedAt,
                    r.startedAt,
                    r.finishedAt);
        }
    }
}
