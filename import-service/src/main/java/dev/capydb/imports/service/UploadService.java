package dev.capydb.imports.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Principal;
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.dataplane.UploadedDumps;
import dev.capydb.imports.repository.DumpUpload;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Hands out presigned upload slots for dump files, refusing up front a declared size over the plan. */
@ApplicationScoped
public class UploadService {

    private final UploadedDumps dumps;
    private final ImportConfig config;

    public UploadService(UploadedDumps dumps, ImportConfig config) {
        this.dumps = dumps;
        this.config = config;
    }

    /** A slot and the URL to PUT the file to. */
    public record Slot(DumpUpload upload, String url) {}

    public Slot create(ProjectView project, Principal caller, String filename, Long sizeBytes) {
        Validation.start()
                .check(
                        filename != null && !filename.isBlank() && filename.length() <= 255,
                        "filename",
                        "is required (at most 255 characters)")
                .check(
                        filename == null
                                || filename.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '/' || c == '\\'),
                        "filename",
                        "must be a file name without path separators or control characters")
                .check(sizeBytes != null && sizeBytes > 0, "size_bytes", "must be a positive number of bytes")
                .orThrow();
        requireWithinPlan(project, sizeBytes);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        DumpUpload u = new DumpUpload();
        u.id = UUID.randomUUID();
        u.projectId = project.projectId();
        u.orgId = project.orgId();
        u.filename = filename;
        u.declaredSize = sizeBytes;
        // The key is ours, never the client's file name, so no name can reach another project's objects.
        u.objectKey = "projects/" + project.projectId() + "/uploads/" + u.id + ".dump";
        u.createdBy = caller.subject();
        u.createdAt = now;
        u.expiresAt = now.plus(config.uploadUrlValidity());
        QuarkusTransaction.requiringNew().run(u::persist);
        return new Slot(u, dumps.presignPut(u.objectKey, sizeBytes));
    }

    /** 422 {@code dump_too_large} when a dump alone is already larger than the plan's storage limit. */
    public void requireWithinPlan(ProjectView project, long sizeBytes) {
        if (sizeBytes > project.storageLimitBytes()) {
            throw new ApiException(
                    422,
                    "dump_too_large",
                    "the dump is " + sizeBytes + " bytes, more than the " + project.plan() + " plan's storage limit of "
                            + project.storageLimitBytes() + " bytes");
        }
    }

    public DumpUpload get(UUID projectId, UUID uploadId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> DumpUpload.<DumpUpload>findByIdOptional(uploadId)
                        .filter(u -> u.projectId.equals(projectId) && u.deletedAt == null)
                        .orElseThrow(() -> ApiException.notFound("upload " + uploadId)));
    }
}
