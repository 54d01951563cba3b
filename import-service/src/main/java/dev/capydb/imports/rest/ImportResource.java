package dev.capydb.imports.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Caller;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.rest.ImportDtos.CreateImport;
import dev.capydb.imports.rest.ImportDtos.CreateUpload;
import dev.capydb.imports.rest.ImportDtos.ImportBody;
import dev.capydb.imports.rest.ImportDtos.PreflightRequest;
import dev.capydb.imports.rest.ImportDtos.UploadBody;
import dev.capydb.imports.service.ImportService;
import dev.capydb.imports.service.ImportWorker;
import dev.capydb.imports.service.Preflight;
import dev.capydb.imports.service.SourceGate;
import dev.capydb.imports.service.SourceUrl;
import dev.capydb.imports.service.UploadService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/projects/{id}/imports}: preflight a source, get a presigned upload URL, start an import (202, a job),
 * list, get. These methods block (child processes, JDBC) and so run on worker threads, as Quarkus REST does for
 * non-reactive signatures.
 */
@Path("/v1/projects/{projectId}/imports")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {

    private final ImportService imports;
    private final UploadService uploads;
    private final SourceGate gate;
    private final Preflight preflight;
    private final ImportWorker worker;
    private final ProjectAccess access;
    private final Caller caller;

    public ImportResource(
            ImportService imports,
            UploadService uploads,
            SourceGate gate,
            Preflight preflight,
            ImportWorker worker,
            ProjectAccess access,
            Caller caller) {
        this.imports = imports;
        this.uploads = uploads;
        this.gate = gate;
        this.preflight = preflight;
        this.worker = worker;
        this.access = access;
        this.caller = caller;
    }

    @Operation(
            operationId = "preflightImport",
            summary = "Preflight an import",
            description = "Connects to the source, inspects it and grades the import without changing "
                    + "anything. Three checks, each `pass`, `warn` or `fail` with a detail: "
                    + "`source_size_within_plan`, `source_version_compatible` and "
                    + "`extensions_available_on_target` (naming every extension outside the "
                    + "allowlist).")
    @POST
    @Path("/preflight")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "422",
            description = "`invalid_source_url`: source_url cannot be parsed; "
                    + "`source_parameter_not_allowed`: a URL parameter outside the allowlist; "
                    + "`source_not_public`: the source resolves to a non-public address (a name that does not resolve is graded, not refused); "
                    + Refusals.UNKNOWN_FIELD)
    public Preflight.Report preflight(@PathParam("projectId") UUID projectId, PreflightRequest body) {
        ProjectView project = access.authorize(projectId, ProjectAction.OPERATE);
        String url = body == null ? null : body.sourceUrl();
        try {
            return preflight.run(project, gate.check(url));
        } catch (ApiException e) {
            // A name that does not resolve is an unreachable source, graded as such; refusals stay 422.
            if (!"source_unresolvable".equals(e.code())) {
                throw e;
            }
            return preflight.unreachable(SourceUrl.parse(url).masked(), e.getMessage());
        }
    }

    @Operation(
            operationId = "createImportUpload",
            summary = "Get an upload slot for a dump file",
            description = "Answers a presigned PUT URL, valid one hour, for a dump file of the declared "
                    + "size. A file larger than the plan's storage limit is refused up front. Start "
                    + "the import with the slot's `upload_id` once the upload finishes.")
    @POST
    @Path("/uploads")
    @APIResponse(
            responseCode = "201",
            description = "An upload slot: PUT the dump to its url, then start an import naming its upload_id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = UploadBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: filename or size_bytes; "
                    + "`dump_too_large`: the file is larger than the plan's storage limit"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Response upload(@PathParam("projectId") UUID projectId, CreateUpload body) {
        ProjectView project = access.authorize(projectId, ProjectAction.OPERATE);
        CreateUpload b = body != null ? body : new CreateUpload(null, null);
        UploadService.Slot slot = uploads.create(project, caller.principal(), b.filename(), b.sizeBytes());
        return Response.status(201)
                .entity(new UploadBody(
                        slot.upload().id,
                        slot.upload().filename,
                        slot.upload().declaredSize,
                        slot.url(),
                        "PUT",
                        slot.upload().expiresAt))
                .build();
    }

    @Operation(
            operationId = "createImport",
            summary = "Import a database",
            description = "Loads a source database (`source_url`, which must be publicly reachable; "
                    + "`sslmode=require` is added unless the URL sets it) or an uploaded dump "
                    + "(`upload_id`) into the project, as a job. `recreate: true` replaces the "
                    + "database (nothing is lost if it fails); otherwise the load goes into the "
                    + "existing database in a single transaction. An uploaded dump is copied when "
                    + "the import is accepted, and that copy is what loads: writing the upload again "
                    + "afterwards changes nothing. `import.completed` fires and "
                    + "integrations re-push env vars.")
    @POST
    @APIResponse(
            responseCode = "202",
            description = "The import job, queued; follow Location for its status",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImportBody.class)))
    @APIResponse(responseCode = "403", description = "`forbidden`: recreate: true needs the org admin role")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such upload in it")
    @APIResponse(
            responseCode = "409",
            description = "`project_busy`: the project is not active, or another import is queued or running; "
                    + "`upload_changed`: the upload was written again while the import was being accepted (nothing was "
                    + "created; request the import again)")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: not exactly one of source_url and upload_id, or Idempotency-Key; "
                    + "`invalid_source_url`, `source_parameter_not_allowed`, `source_not_public`, `source_unresolvable`: the source URL is refused; "
                    + "`upload_missing`: nothing was uploaded yet; "
                    + "`dump_too_large`: the dump is larger than the plan's storage limit"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Response create(
            @PathParam("projectId") UUID projectId,
            CreateImport body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        CreateImport b = body != null ? body : new CreateImport(null, null, null);
        // Replacing the whole database is destructive (org admins); loading into it is not.
        ProjectView project = access.authorize(
                projectId, Boolean.TRUE.equals(b.recreate()) ? ProjectAction.DESTROY : ProjectAction.OPERATE);
        ImportJob x = imports.request(
                project,
                caller.principal(),
                new ImportService.Request(b.sourceUrl(), b.uploadId(), b.recreate()),
                idempotencyKey);
        worker.engine().wake();
        return Response.accepted(ImportBody.of(x))
                .header("Location", "/v1/projects/" + projectId + "/imports/" + x.id)
                .build();
    }

    @Operation(
            operationId = "listImports",
            summary = "List imports",
            description = "The project's imports, newest first.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Page<ImportBody> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.authorize(projectId, ProjectAction.READ);
        return imports.list(projectId, cursor, limit).map(ImportBody::of);
    }

    @Operation(
            operationId = "getImport",
            summary = "Get an import",
            description = "One import: its source (password masked), status and error if it failed.")
    @GET
    @Path("/{importId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such import in it")
    public ImportBody get(@PathParam("projectId") UUID projectId, @PathParam("importId") UUID importId) {
        access.authorize(projectId, ProjectAction.READ);
        return ImportBody.of(imports.get(projectId, importId));
    }
}
