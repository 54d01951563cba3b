package dev.capydb.restore.rest;

import dev.capydb.dataplane.ConnectionStrings;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.service.PreviewService;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the restores and previews API (snake_case on the wire). */
public final class RestoreDtos {

    private RestoreDtos() {}

    /** {@code POST …/restores}: exactly one source, and a target. */
    @Schema(
            example = "{\"backup_key\": \"projects/3f2c…/backups/2026-12-06T03-30-00Z.dump\", "
                    + "\"target_kind\": \"new_preview\", \"preview_name\": \"inspect-monday\", \"ttl_hours\": 24}")
    public record CreateRestore(
            @Schema(description = "Restore this backup (a backup's backup_key)")
            String backupKey,

            @Schema(format = "date-time", description = "Restore the project as it was at this RFC 3339 time (PITR)")
            String restoreTime,

            @Schema(description = "Restore what this restore point pins")
            UUID restorePointId,

            @Schema(
                    enumeration = {"new_preview", "preview", "project"},
                    description = "Where the restored state lands (default new_preview)")
            String targetKind,

            @Schema(description = "The preview to overwrite (target_kind preview)")
            UUID previewId,

            @Schema(
                    pattern = PreviewService.NAME_PATTERN,
                    description = "The new preview's name (target_kind new_preview)")
            String previewName,

            @Schema(
                    minimum = "1",
                    maximum = "" + PreviewService.MAX_TTL_HOURS,
                    description = "The new preview's time to live (default 24)")
            Integer ttlHours,

            @Schema(description = "Must be true for target_kind project: production is overwritten")
            Boolean confirmProjectOverwrite) {}

    /** A restore, which is also its job ({@code status}, {@code phase}, {@code bytes_done}, {@code error}). */
    public record RestoreBody(
            UUID id,
            UUID projectId,

            @Schema(enumeration = {"backup", "pitr", "restore_point", "preview"})
            String sourceKind,

            @Schema(nullable = true) String backupKey,
            @Schema(nullable = true) Instant restoreTime,
            @Schema(nullable = true) UUID restorePointId,

            @Schema(enumeration = {"new_preview", "preview", "project"})
            String targetKind,

            @Schema(nullable = true) UUID previewId,

            @Schema(enumeration = {"pending", "running", "completed", "failed"})
            String status,

            @Schema(
                    enumeration = {
                        "queued",
                        "fetching",
                        "replaying_wal",
                        "creating_preview",
                        "loading",
                        "swapping",
                        "done"
                    })
            String phase,

            long bytesDone,
            @Schema(nullable = true) String error,
            int attempt,
            Instant createdAt,
            @Schema(nullable = true) Instant startedAt,
            @Schema(nullable = true) Instant completedAt) {

        static RestoreBody of(Restore r) {
            return new RestoreBody(
                    r.id,
                    r.projectId,
                    r.sourceKind.wire(),
                    r.backupKey,
                    r.restoreTime,
                    r.restorePointId,
                    r.targetKind.wire(),
                    r.previewId,
                    r.status.wire(),
                    r.phase.wire(),
                    r.bytesDone,
                    r.error,
                    r.attempt,
                    r.createdAt,
                    r.startedAt,
                    r.completedAt);
        }
    }

    /** {@code PATCH …/previews/{id}}. */
    @Schema(example = "{\"ttl_hours\": 48}")
    public record ExtendPreview(
            @Schema(
                    required = true,
                    minimum = "1",
                    maximum = "" + PreviewService.MAX_TTL_HOURS,
                    description = "Hours from now until the preview is dropped")
            Integer ttlHours) {}

    /** A preview with its masked connection strings. */
    public record PreviewBody(
            UUID id,
            UUID projectId,
            String name,

            @Schema(enumeration = {"creating", "ready", "failed", "expired", "deleted"})
            String status,

            String databaseUrl,
            String databaseUrlUnpooled,
            Instant expiresAt,
            Instant createdAt) {

        static PreviewBody of(Preview p, DatabaseHost host) {
            String mask = ConnectionStrings.MASK;
            return new PreviewBody(
                    p.id,
                    p.projectId,
                    p.name,
                    p.status.wire(),
                    ConnectionStrings.pooled(host, p.roleName, mask, p.databaseName),
                    ConnectionStrings.unpooled(host, p.roleName, mask, p.databaseName),
                    p.expiresAt,
                    p.createdAt);
        }
    }

    /** {@code GET …/previews/{id}/connection}: the full strings. */
    public record PreviewConnection(
            String databaseUrl,
            String databaseUrlUnpooled,
            String host,
            int port,
            String database,
            String user,
            String password) {}
}
