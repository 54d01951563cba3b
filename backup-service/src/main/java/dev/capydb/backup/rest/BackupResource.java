package dev.capydb.backup.rest;

import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.rest.BackupDtos.BackupBody;
import dev.capydb.backup.rest.BackupDtos.CreateBackup;
import dev.capydb.backup.service.BackupService;
import dev.capydb.backup.service.BackupWorker;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.readmodel.ProjectBusy;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Caller;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/projects/{id}/backups}: start a backup (202, a job), list, get, delete. */
@Path("/v1/projects/{projectId}/backups")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    private final BackupService service;
    private final BackupWorker worker;
    private final ProjectAccess access;
    private final ProjectBusy busy;
    private final Caller caller;

    public BackupResource(
            BackupService service, BackupWorker worker, ProjectAccess access, ProjectBusy busy, Caller caller) {
        this.service = service;
        this.worker = worker;
        this.access = access;
        this.busy = busy;
        this.caller = caller;
    }

    @Operation(
            operationId = "createBackup",
            summary = "Back up the project now",
            description = "Records a backup job against the project (a `pg_dump` stream into object "
                    + "storage) and answers at once with the queued job. When it completes the backup "
                    + "has a `backup_key`, `size_bytes` and `sha256`, and `backup.completed` (or "
                    + "`backup.failed`) fires. With `verify: true` the backup is also test-restored "
                    + "and its row counts compared. Send an `Idempotency-Key` so a retried call "
                    + "cannot start a second backup.")
    @POST
    @APIResponse(
            responseCode = "202",
            description = "The backup job, queued; follow Location (or poll the job) for its status",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = BackupBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "409", description = "`project_busy`: a restore, import or cutover holds the project")
    @APIResponse(
            responseCode = "422",
            description =
                    "`validation_failed`: label (1-200 characters, no control characters) or Idempotency-Key (1-200 characters)"
                            + "; " + Refusals.UNKNOWN_FIELD)
    public Response create(
            @PathParam("projectId") UUID projectId,
            CreateBackup body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        ProjectView project = access.authorize(projectId, ProjectAction.OPERATE);
        String label = body == null ? null : body.label();
        BackupService.validateLabel(label);
        Validation.start()
                .check(Idempotency.validKey(idempotencyKey), "Idempotency-Key", Idempotency.KEY_RULE)
                .orThrow();
        project = busy.requireActive(project, "back it up once that finishes");
        var requested = service.request(new BackupService.Request(
                project,
                label,
                BackupKind.MANUAL,
                body != null && Boolean.TRUE.equals(body.verify()),
                null,
                idempotencyKey,
                null,
                caller.principal().subject()));
        Backup b = requested.job();
        if (requested.created()) {
            worker.engine().wake();
        }
        return Response.accepted(BackupBody.of(b))
                // A relative Location: the client follows it through the gateway, not to this service.
                .header("Location", "/v1/projects/" + projectId + "/backups/" + b.id)
                .build();
    }

    @Operation(
            operationId = "listBackups",
            summary = "List backups",
            description = "The project's backups, newest first: on-demand, scheduled and pre-cutover ones "
                    + "(`pre-cutover-<request-id>`). Backups removed by retention are listed only "
                    + "with `include=expired`.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: include other than expired, or " + Refusals.PAGING)
    public Page<BackupBody> list(
            @PathParam("projectId") UUID projectId,
            @Parameter(
                            description = "expired: also list backups removed by retention",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"expired"}))
                    @QueryParam("include")
                    String include,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.authorize(projectId, ProjectAction.READ);
        Validation.start()
                .check(include == null || include.equals("expired"), "include", "may only be 'expired'")
                .orThrow();
        return service.list(projectId, "expired".equals(include), cursor, limit).map(BackupBody::of);
    }

    @Operation(
            operationId = "getBackup",
            summary = "Get a backup",
            description = "One backup: its status and, once completed, its key, size and checksum.")
    @GET
    @Path("/{backupId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such backup in it")
    public BackupBody get(@PathParam("projectId") UUID projectId, @PathParam("backupId") UUID backupId) {
        access.authorize(projectId, ProjectAction.READ);
        return BackupBody.of(service.get(projectId, backupId));
    }

    @Operation(
            operationId = "deleteBackup",
            summary = "Delete a backup",
            description = "Deletes the backup's object and its row. A backup pinned by a restore point "
                    + "cannot be deleted (`409`).")
    @DELETE
    @Path("/{backupId}")
    @APIResponse(responseCode = "204", description = "The backup and its object are deleted")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such backup in it")
    @APIResponse(
            responseCode = "409",
            description =
                    "`backup_running`: the backup has not finished; " + "`backup_pinned`: a restore point pins it")
    public Response delete(@PathParam("projectId") UUID projectId, @PathParam("backupId") UUID backupId) {
        access.authorize(projectId, ProjectAction.DESTROY);
        service.delete(projectId, backupId);
        return Response.noContent().build();
    }
}
