package dev.capydb.imports.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.jobs.JobError;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectBusy;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Principal;
import dev.capydb.imports.dataplane.AcceptedDumps;
import dev.capydb.imports.messaging.ImportEvents;
import dev.capydb.imports.repository.DumpUpload;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.repository.ImportPhase;
import dev.capydb.imports.repository.ImportSourceKind;
import dev.capydb.imports.repository.ImportStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Validates import requests and records them (the worker runs them); lists and shows imports. */
@ApplicationScoped
public class ImportService {

    private final SourceGate gate;
    private final SecretBox secrets;
    private final UploadService uploads;
    private final AcceptedDumps accepted;
    private final ImportEvents events;
    private final ProjectBusy busy;

    public ImportService(
            SourceGate gate,
            SecretBox secrets,
            UploadService uploads,
            AcceptedDumps accepted,
            ImportEvents events,
            ProjectBusy busy) {
        this.busy = busy;
        this.gate = gate;
        this.secrets = secrets;
        this.uploads = uploads;
        this.accepted = accepted;
        this.events = events;
    }

    /** An import request as sent. */
    public record Request(String sourceUrl, UUID uploadId, Boolean recreate) {}

    /**
     * Checks the request (shape, the source gate — no connection is made for a refused URL — the uploaded
     * object's real size), freezes an upload (a copy the client cannot write any more) and queues it. 409
     * {@code project_busy} while another lifecycle operation holds the project (the worker's exclusive project lock
     * is the real guard); 409 {@code upload_changed} when the upload was PUT again while it was being accepted.
     */
    public ImportJob request(ProjectView project, Principal caller, Request r, String idempotencyKey) {
        return Idempotency.once(
                        idempotencyKey,
                        key -> QuarkusTransaction.requiringNew()
                                .call(() -> ImportJob.<ImportJob>find(
                                                "projectId = ?1 and idempotencyKey = ?2", project.projectId(), key)
                                        .firstResultOptional()),
                        () -> validateAndInsert(project, caller, r, idempotencyKey))
                .job();
    }

    private static boolean hasOpenImport(UUID projectId) {
        return ImportJob.count(
                        "projectId = ?1 and status in (?2)",
                        projectId,
                        List.of(ImportStatus.PENDING, ImportStatus.RUNNING))
                > 0;
    }

    /** An upload as checked: the object and the version of it the checks saw. */
    private record CheckedUpload(DumpUpload upload, AcceptedDumps.Version version) {}

    private ImportJob validateAndInsert(ProjectView project, Principal caller, Request r, String idempotencyKey) {
        Validation.start()
                .check(
                        (r.sourceUrl() == null) != (r.uploadId() == null),
                        "source",
                        "give exactly one of source_url, upload_id")
                .check(Idempotency.validKey(idempotencyKey), "Idempotency-Key", Idempotency.KEY_RULE)
                .orThrow();
        ImportJob x = new ImportJob();
        x.id = UUID.randomUUID();
        CheckedUpload upload = null;
        if (r.sourceUrl() != null) {
            SourceGate.CheckedSource checked = gate.check(r.sourceUrl());
            x.sourceKind = ImportSourceKind.URL;
            x.source = checked.url().masked();
            x.sourceUrlSealed = secrets.seal(r.sourceUrl(), ImportJob.SOURCE_URL.aad(x.id));
        } else {
            upload = checkUpload(project, r.uploadId());
            x.sourceKind = ImportSourceKind.UPLOAD;
            x.source = upload.upload().filename;
            x.uploadId = r.uploadId();
        }
        busy.requireActive(project, "wait for that to finish");
        if (upload != null) {
            x.acceptedKey = freeze(upload, x.id);
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (hasOpenImport(project.projectId())) {
                    throw ApiException.projectBusy("another import into this project is queued or running");
                }
                x.projectId = project.projectId();
                x.orgId = project.orgId();
                x.recreate = Boolean.TRUE.equals(r.recreate());
                x.status = ImportStatus.PENDING;
                x.phase = ImportPhase.QUEUED;
                x.correlationId = x.id.toString();
                x.idempotencyKey = idempotencyKey;
                x.createdBy = caller.subject();
                x.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                x.persist();
                return x;
            });
        } catch (RuntimeException e) {
            // Refused after all (busy, or a concurrent request with the same key won): no row names the copy.
            if (x.acceptedKey != null) {
                accepted.delete(x.acceptedKey);
            }
            throw e;
        }
    }

    /** The upload's current version, checked against the plan (422 {@code upload_missing}, {@code dump_too_large}). */
    private CheckedUpload checkUpload(ProjectView project, UUID uploadId) {
        DumpUpload upload = uploads.get(project.projectId(), uploadId);
        AcceptedDumps.Version version = accepted.version(upload.objectKey)
                .orElseThrow(() -> new ApiException(
                        422,
                        "upload_missing",
                        "nothing was uploaded for upload " + upload.id + " yet; PUT the file to its upload_url first"));
        uploads.requireWithinPlan(project, version.sizeBytes());
        return new CheckedUpload(upload, version);
    }

    /**
     * Copies the upload to the import's own key, which no upload URL can write: the slot's URL stays valid for an
     * hour, and a PUT through it after this point no longer reaches what the worker loads. The copy is made only if
     * the object is still the version checked above (if-match on its ETag) rather than re-checking the copy: the
     * checks here read only its size, and the worker's format and content checks read the copy itself.
     */
    private String freeze(CheckedUpload checked, UUID importId) {
        String key = AcceptedDumps.keyFor(importId);
        if (!accepted.copyIfUnchanged(checked.upload().objectKey, checked.version(), key)) {
            throw ApiException.conflict(
                    "upload_changed",
                    "upload " + checked.upload().id + " was written again while "
                            + "the import was being accepted; nothing was created: request the import again once the upload "
                            + "has finished");
        }
        return key;
    }

    /** The source URL with its password, for the worker only. */
    public String sourceUrl(ImportJob x) {
        return secrets.open(x.sourceUrlSealed, ImportJob.SOURCE_URL.aad(x.id));
    }

    public Page<ImportJob> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        ImportJob.<ImportJob>find(
                                        k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                                .page(0, k.fetch())
                                .list(),
                        x -> new Cursor(x.createdAt, x.id)));
    }

    public ImportJob get(UUID projectId, UUID importId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ImportJob.<ImportJob>findByIdOptional(importId)
                        .filter(x -> x.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("import " + importId)));
    }

    /** Ends an import as failed (row + events in one transaction); the sealed URL is forgotten. */
    public void fail(UUID importId, String error) {
        QuarkusTransaction.requiringNew().run(() -> {
            ImportJob x = ImportJob.findById(importId);
            if (x.status.isFinal()) {
                return;
            }
            x.status = x.status.moveTo(ImportStatus.FAILED);
            x.error = JobError.bounded(error);
            x.completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            x.leaseUntil = null;
            x.sourceUrlSealed = null;
            events.finished(x);
        });
    }

    /** Ends an import as completed with the loaded database's size. */
    public void complete(UUID importId, long sizeBytes, Runnable alsoInTransaction) {
        QuarkusTransaction.requiringNew().run(() -> {
            ImportJob x = ImportJob.findById(importId);
            if (x.status.isFinal()) {
                return;
            }
            x.status = x.status.moveTo(ImportStatus.COMPLETED);
            x.phase = ImportPhase.DONE;
            x.sizeBytes = sizeBytes;
            x.completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            x.leaseUntil = null;
            x.sourceUrlSealed = null;
            alsoInTransaction.run();
            events.finished(x);
        });
    }

    /** The worker holds the project now: phase {@code checking}, and {@code import.started}. */
    public void started(UUID importId) {
        QuarkusTransaction.requiringNew().run(() -> {
            ImportJob x = ImportJob.findById(importId);
            x.phase = ImportPhase.CHECKING;
            events.started(x);
        });
    }

    public void phase(UUID importId, ImportPhase phase) {
        QuarkusTransaction.requiringNew().run(() -> {
            ImportJob x = ImportJob.findById(importId);
            x.phase = phase;
        });
    }
}
