package dev.capydb.restore.rest;

import dev.capydb.dataplane.ConnectionStrings;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.Restore;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the restores and previews API (snake_case on the wire). */
public final class RestoreDtos {

    private RestoreDtos() {
    }

    /** {@code POST …/restores}: exactly one source, and a target. */
    public record CreateRestore(String backupKey, String restoreTime, UUID restorePointId, String targetKind,
                                UUID previewId, String previewName, Integer ttlHours, Boolean confirmProjectOverwrite) {
    }

    /** A restore, which is also its job ({@code status}, {@code phase}, {@code bytes_done}, {@code error}). */
    public record RestoreBody(UUID id, UUID projectId,
                              @Schema(enumeration = {"backup", "pitr", "restore_point", "preview"}) String sourceKind,
                              @Schema(nullable = true) String backupKey, @Schema(nullable = true) Instant restoreTime,
                              @Schema(nullable = true) UUID restorePointId,
                              @Schema(enumeration = {"new_preview", "preview", "project"}) String targetKind,
                              @Schema(nullable = true) UUID previewId,
                              @Schema(enumeration = {"pending", "running", "completed", "failed"}) String status,
                              @Schema(enumeration = {"queued", "fetching", "replaying_wal", "creating_preview",
                                      "loading", "swapping", "done"}) String phase,
                              long bytesDone, @Schema(nullable = true) String error, int attempt, Instant createdAt,
                              @Schema(nullable = true) Instant startedAt,
                              @Schema(nullable = true) Instant completedAt) {

        static RestoreBody of(Restore r) {
            return new RestoreBody(r.id, r.projectId, r.sourceKind, r.backupKey, r.restoreTime, r.restorePointId,
                    r.targetKind, r.previewId, r.status.wire(), r.phase, r.bytesDone, r.error, r.attempt, r.createdAt,
                    r.startedAt, r.completedAt);
        }
    }

    /** {@code PATCH …/previews/{id}}. */
    public record ExtendPreview(Integer ttlHours) {
    }

    /** A preview with its masked connection strings. */
    public record PreviewBody(UUID id, UUID projectId, String name,
                              @Schema(enumeration = {"creating", "ready", "failed", "expired", "deleted"}) String status,
                              String databaseUrl, String databaseUrlUnpooled, Instant expiresAt, Instant createdAt) {

        static PreviewBody of(Preview p, DatabaseHost host) {
            String mask = ConnectionStrings.MASK;
            return new PreviewBody(p.id, p.projectId, p.name, p.status.wire(),
                    ConnectionStrings.pooled(host, p.roleName, mask, p.databaseName),
                    ConnectionStrings.unpooled(host, p.roleName, mask, p.databaseName), p.expiresAt, p.createdAt);
        }
    }

    /** {@code GET …/previews/{id}/connection}: the full strings. */
    public record PreviewConnection(String databaseUrl, String databaseUrlUnpooled, String host, int port,
                                    String database, String user, String password) {
    }
}
