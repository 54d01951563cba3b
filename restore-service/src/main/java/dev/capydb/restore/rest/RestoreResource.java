package dev.capydb.restore.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.security.Caller;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.rest.RestoreDtos.CreateRestore;
import dev.capydb.restore.rest.RestoreDtos.RestoreBody;
import dev.capydb.restore.service.RestoreService;
import dev.capydb.restore.service.RestoreWorker;
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

/** {@code /v1/projects/{id}/restores}: start a restore (202, a job), list, get. */
@Path("/v1/projects/{projectId}/restores")
@Produces(MediaType.APPLICATION_JSON)
public class RestoreResource {

    private final RestoreService restores;
    private final RestoreWorker worker;
    private final ProjectAccess access;
    private final Caller caller;

    public RestoreResource(RestoreService restores, RestoreWorker worker, ProjectAccess access, Caller caller) {
        this.restores = restores;
        this.worker = worker;
        this.access = access;
        this.caller = caller;
    }

    @Operation(
            operationId = "createRestore",
            summary = "Restore a backup or a point in time",
            description = "Restores exactly one source (`backup_key`, `restore_time` in RFC 3339, or "
                    + "`restore_point_id`) into one target: `new_preview` (default) creates a preview "
                    + "and touches nothing existing; `preview` overwrites the preview `preview_id`; "
                    + "`project` overwrites production and requires `confirm_project_overwrite: true` "
                    + "and the org admin role. Runs as a job; `restore.completed` fires.")
    @POST
    @APIResponse(
            responseCode = "202",
            description = "The restore job, queued; follow Location for its status",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RestoreBody.class)))
    @APIResponse(responseCode = "403", description = "`forbidden`: target_kind project needs the org admin role")
    @APIResponse(
            responseCode = "404",
            description =
                    "`not_found`: no such project in an organization you belong to, or no such restore point, backup key or preview in it")
    @APIResponse(
            responseCode = "409",
            description =
                    "`project_busy`: another restore overwrites the project or one of its previews, or (target_kind project) the project is not active; "
                            + "`preview_not_ready`: the target preview is not ready")
    @APIResponse(
            responseCode = "422",
            description =
                    "`validation_failed`: source, target_kind, preview_id, restore_time, preview_name, ttl_hours or Idempotency-Key; "
                            + "`confirmation_required`: target_kind project without confirm_project_overwrite: true; "
                            + "`pitr_unavailable`: the region has no point-in-time restore; "
                            + "`target_outside_window`: restore_time is outside the PITR window"
                            + "; " + Refusals.UNKNOWN_FIELD)
    public Response create(
            @PathParam("projectId") UUID projectId,
            CreateRestore body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        ProjectView project = access.authorize(projectId, ProjectAction.OPERATE);
        CreateRestore b = body != null ? body : new CreateRestore(null, null, null, null, null, null, null, null);
        Restore r = restores.request(
                project,
                caller.principal(),
                new RestoreService.Request(
                        b.backupKey(),
                        b.restoreTime(),
                        b.restorePointId(),
                        b.targetKind(),
                        b.previewId(),
                        b.previewName(),
                        b.ttlHours(),
                        b.confirmProjectOverwrite()),
                idempotencyKey);
        worker.engine().wake();
        // A relative Location: the client follows it through the gateway, not to this service.
        return Response.accepted(RestoreBody.of(r))
                .header("Location", "/v1/projects/" + projectId + "/restores/" + r.id)
                .build();
    }

    @Operation(
            operationId = "listRestores",
            summary = "List restores",
            description = "The project's restores, newest first.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Page<RestoreBody> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.authorize(projectId, ProjectAction.READ);
        return restores.list(projectId, cursor, limit).map(RestoreBody::of);
    }

    @Operation(
            operationId = "getRestore",
            summary = "Get a restore",
            description = "One restore: its status, source, target and the preview it created or " + "overwrote.")
    @GET
    @Path("/{restoreId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such restore in it")
    public RestoreBody get(@PathParam("projectId") UUID projectId, @PathParam("restoreId") UUID restoreId) {
        access.authorize(projectId, ProjectAction.READ);
        return RestoreBody.of(restores.get(projectId, restoreId));
    }
}
