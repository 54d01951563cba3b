package dev.capydb.imports.rest;

import dev.capydb.imports.repository.ImportJob;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the imports API (snake_case on the wire). Source URLs only ever leave masked. */
public final class ImportDtos {

    private ImportDtos() {
    }

    /** {@code POST …/imports/preflight}. */
    public record PreflightRequest(String sourceUrl) {
    }

    /** {@code POST …/imports}: exactly one of {@code source_url} and {@code upload_id}. */
    public record CreateImport(String sourceUrl, UUID uploadId, Boolean recreate) {
    }

    /** {@code POST …/imports/uploads}. */
    public record CreateUpload(String filename, Long sizeBytes) {
    }

    /** A presigned upload slot: PUT the file to {@code upload_url} before {@code expires_at}. */
    public record UploadBody(UUID uploadId, String filename, long sizeBytes, String uploadUrl,
                             @Schema(enumeration = {"PUT"}) String method, Instant expiresAt) {
    }

    /** An import, which is also its job ({@code status}, {@code phase}, {@code error}). */
    public record ImportBody(UUID id, UUID projectId, @Schema(enumeration = {"url", "upload"}) String sourceKind,
                             String source, @Schema(nullable = true) UUID uploadId,
                             @Schema(nullable = true, enumeration = {"custom", "plain"}) String dumpFormat,
                             boolean recreate,
                             @Schema(enumeration = {"pending", "running", "completed", "failed"}) String status,
                             @Schema(enumeration = {"queued", "checking", "loading", "swapping", "done"}) String phase,
                             @Schema(nullable = true) Long sizeBytes, @Schema(nullable = true) String error,
                             int attempt, Instant createdAt, @Schema(nullable = true) Instant startedAt,
                             @Schema(nullable = true) Instant completedAt) {

        static ImportBody of(ImportJob x) {
            return new ImportBody(x.id, x.projectId, x.sourceKind, x.source, x.uploadId, x.dumpFormat, x.recreate,
                    x.status.wire(), x.phase, x.sizeBytes, x.error, x.attempt, x.createdAt, x.startedAt, x.completedAt);
        }
    }
}
