package dev.capydb.imports.rest;

import dev.capydb.imports.repository.ImportJob;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the imports API (snake_case on the wire). Source URLs only ever leave masked. */
public final class ImportDtos {

    private static final String SOURCE_URL = "A publicly reachable postgres:// URL; sslmode=require is added "
            + "unless it sets sslmode, and parameters other than sslmode are refused";

    private ImportDtos() {}

    /** {@code POST …/imports/preflight}. */
    @Schema(example = "{\"source_url\": \"postgres://app:secret@db.example.com:5432/app?sslmode=require\"}")
    public record PreflightRequest(
            @Schema(required = true, description = SOURCE_URL)
            String sourceUrl) {}

    /** {@code POST …/imports}: exactly one of {@code source_url} and {@code upload_id}. */
    @Schema(
            example = "{\"source_url\": \"postgres://app:secret@db.example.com:5432/app?sslmode=require\", "
                    + "\"recreate\": true}")
    public record CreateImport(
            @Schema(description = SOURCE_URL + "; give this or upload_id")
            String sourceUrl,

            @Schema(description = "An upload slot whose file has been PUT; give this or source_url")
            UUID uploadId,

            @Schema(
                    description = "Replace the database (nothing is lost if the import fails) instead of loading "
                            + "into it (default false)")
            Boolean recreate) {}

    /** {@code POST …/imports/uploads}. */
    @Schema(example = "{\"filename\": \"app.dump\", \"size_bytes\": 52428800}")
    public record CreateUpload(
            @Schema(
                    required = true,
                    minLength = 1,
                    maxLength = 255,
                    pattern = "^[^/\\\\]+$",
                    description = "The file's name, without directories or control characters")
            String filename,

            @Schema(
                    required = true,
                    minimum = "1",
                    description = "The file's size in bytes; above the plan's " + "storage limit the slot is refused")
            Long sizeBytes) {}

    /** A presigned upload slot: PUT the file to {@code upload_url} before {@code expires_at}. */
    public record UploadBody(
            UUID uploadId,
            String filename,
            long sizeBytes,
            String uploadUrl,
            @Schema(enumeration = {"PUT"}) String method,
            Instant expiresAt) {}

    /** An import, which is also its job ({@code status}, {@code phase}, {@code error}). */
    public record ImportBody(
            UUID id,
            UUID projectId,
            @Schema(enumeration = {"url", "upload"}) String sourceKind,
            String source,
            @Schema(nullable = true) UUID uploadId,

            @Schema(
                    nullable = true,
                    enumeration = {"custom", "plain"})
            String dumpFormat,

            boolean recreate,

            @Schema(enumeration = {"pending", "running", "completed", "failed"})
            String status,

            @Schema(enumeration = {"queued", "checking", "loading", "swapping", "done"})
            String phase,

            @Schema(nullable = true) Long sizeBytes,
            @Schema(nullable = true) String error,
            int attempt,
            Instant createdAt,
            @Schema(nullable = true) Instant startedAt,
            @Schema(nullable = true) Instant completedAt) {

        static ImportBody of(ImportJob x) {
            return new ImportBody(
                    x.id,
                    x.projectId,
                    x.sourceKind.wire(),
                    x.source,
                    x.uploadId,
                    x.dumpFormat,
                    x.recreate,
                    x.status.wire(),
                    x.phase.wire(),
                    x.sizeBytes,
                    x.error,
                    x.attempt,
                    x.createdAt,
                    x.startedAt,
                    x.completedAt);
        }
    }
}
