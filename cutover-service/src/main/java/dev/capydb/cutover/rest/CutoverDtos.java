package dev.capydb.cutover.rest;

import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.PreviewView;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the cutover-requests API (snake_case on the wire). */
public final class CutoverDtos {

    private CutoverDtos() {
    }

    /** {@code POST /v1/projects/{id}/cutover-requests}. */
    public record CreateCutover(UUID previewId, String customerNote, String externalTicketRef) {
    }

    /** {@code PATCH …/cutover-requests/{id}}: add or replace the note or the ticket reference. */
    public record EditCutover(String customerNote, String externalTicketRef) {
    }

    /** {@code POST /v1/operator/cutover-requests/{id}/reject|fail}. */
    public record Reason(String reason) {
    }

    /**
     * A cutover request. {@code waiting_for} ({@code pre_cutover_backup} or {@code promotion}) and
     * {@code waiting_since} say which saga step an in-progress request waits on; {@code pre_cutover_backup_label} is
     * the backup's label in the project's backup list; {@code preview_status}/{@code preview_expires_at} are the
     * preview as last announced, so a TTL running out is visible before execution.
     */
    public record CutoverBody(UUID id, UUID projectId, String orgId, UUID previewId,
                              @Schema(enumeration = {"open", "acked", "rejected", "cancelled", "in_progress",
                                      "completed", "failed"}) String status,
                              @Schema(nullable = true) String customerNote,
                              @Schema(nullable = true) String externalTicketRef, @Schema(nullable = true) String reason,
                              @Schema(nullable = true) UUID preCutoverBackupId,
                              @Schema(nullable = true) String preCutoverBackupLabel,
                              @Schema(nullable = true, enumeration = {"pre_cutover_backup", "promotion"})
                              String waitingFor,
                              @Schema(nullable = true) Instant waitingSince,
                              @Schema(nullable = true) String lateOutcome,
                              @Schema(nullable = true, enumeration = {"ready", "expired", "deleted"})
                              String previewStatus,
                              @Schema(nullable = true) Instant previewExpiresAt, String requestedBy,
                              @Schema(nullable = true) String ackedBy, @Schema(nullable = true) String closedBy,
                              @Schema(nullable = true) String executedBy, Instant createdAt, Instant updatedAt,
                              @Schema(nullable = true) Instant ackedAt, @Schema(nullable = true) Instant closedAt,
                              @Schema(nullable = true) Instant startedAt, @Schema(nullable = true) Instant finishedAt) {

        static CutoverBody of(CutoverRequest r, Optional<PreviewView> preview) {
            return new CutoverBody(r.id, r.projectId, r.orgId, r.previewId, r.status.wire(), r.customerNote,
                    r.externalTicketRef, r.reason, r.preCutoverBackupId,
                    r.startedAt == null ? null : "pre-cutover-" + r.id, r.waitingFor, r.waitingSince, r.lateOutcome,
                    preview.map(p -> p.status).orElse(null), preview.map(p -> p.expiresAt).orElse(null),
                    r.requestedBy, r.ackedBy, r.closedBy, r.executedBy, r.createdAt, r.updatedAt, r.ackedAt, r.closedAt,
                    r.startedAt, r.finishedAt);
        }
    }
}
