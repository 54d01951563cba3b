package dev.capydb.restore.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.security.Caller;
import dev.capydb.restore.repository.RestorePoint;
import dev.capydb.restore.service.RestorePointService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/projects/{id}/restore-points}: create, list, get, delete. */
@Path("/v1/projects/{projectId}/restore-points")
@Produces(MediaType.APPLICATION_JSON)
public class RestorePointResource {

    /** {@code POST} body: {@code kind} backup (with {@code backup_key}) or pitr (with {@code timestamp}, default now). */
    @Schema(example = "{\"label\": \"pre-launch\", \"kind\": \"pitr\"}")
    public record CreateRestorePoint(
            @Schema(
                    required = true,
                    minLength = 1,
                    maxLength = RestorePointService.MAX_LABEL,
                    description = "Unique in the project, without control characters")
            String label,

            @Schema(
                    enumeration = {"backup", "pitr"},
                    description = "default pitr")
            String kind,

            @Schema(description = "The backup to pin (kind backup)")
            String backupKey,

            @Schema(format = "date-time", description = "The RFC 3339 moment to pin (kind pitr; default now)")
            String timestamp) {}

    /** A restore point. */
    public record RestorePointBody(
            UUID id,
            UUID projectId,
            String label,
            @Schema(enumeration = {"backup", "pitr"}) String kind,
            @Schema(nullable = true) String backupKey,
            @Schema(nullable = true) Instant timestamp,
            @Schema(nullable = true) String lsn,
            Instant createdAt) {
        static RestorePointBody of(RestorePoint p) {
            return new RestorePointBody(
                    p.id, p.projectId, p.label, p.kind.wire(), p.backupKey, p.pointTime, p.lsn, p.createdAt);
        }
    }

    private final RestorePointService points;
    private final ProjectAccess access;
    private final Caller caller;

    public RestorePointResource(RestorePointService points, ProjectAccess access, Caller caller) {
        this.points = points;
        this.access = access;
        this.caller = caller;
    }

    @Operation(
            operationId = "createRestorePoint",
            summary = "Pin a restore point",
            description = "A label pinned to a backup (`kind: backup`, with its `backup_key`) or to a "
                    + "moment (`kind: pitr`, `timestamp`, default now), so a rollback target has a "
                    + "name. Labels are unique per project; a `pitr` point outside the PITR window, "
                    + "or in a region without PITR, is refused.")
    @POST
    @APIResponse(
            responseCode = "201",
            description = "The restore point",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RestorePointBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such backup key in it")
    @APIResponse(
            responseCode = "409",
            description = "`label_taken`: the project already has a restore point with that label")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: label, kind, backup_key or timestamp; "
                    + "`pitr_unavailable`: the region has no point-in-time restore; "
                    + "`target_outside_window`: timestamp is outside the PITR window"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Response create(@PathParam("projectId") UUID projectId, CreateRestorePoint body) {
        var project = access.authorize(projectId, ProjectAction.OPERATE);
        CreateRestorePoint b = body != null ? body : new CreateRestorePoint(null, null, null, null);
        RestorePoint p = points.create(
                project,
                caller.principal().subject(),
                new RestorePointService.Request(b.label(), b.kind(), b.backupKey(), b.timestamp()));
        return Response.status(Response.Status.CREATED)
                .header("Location", "/v1/projects/" + projectId + "/restore-points/" + p.id)
                .entity(RestorePointBody.of(p))
                .build();
    }

    @Operation(
            operationId = "listRestorePoints",
            summary = "List restore points",
            description = "The project's restore points, newest first.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Page<RestorePointBody> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.authorize(projectId, ProjectAction.READ);
        return points.list(projectId, cursor, limit).map(RestorePointBody::of);
    }

    @Operation(operationId = "getRestorePoint", summary = "Get a restore point", description = "One restore point.")
    @GET
    @Path("/{pointId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such restore point in it")
    public RestorePointBody get(@PathParam("projectId") UUID projectId, @PathParam("pointId") UUID pointId) {
        access.authorize(projectId, ProjectAction.READ);
        return RestorePointBody.of(points.get(projectId, pointId));
    }

    @Operation(
            operationId = "deleteRestorePoint",
            summary = "Delete a restore point",
            description = "Removes the label; the backup it pinned becomes subject to retention again.")
    @DELETE
    @Path("/{pointId}")
    @APIResponse(
            responseCode = "204",
            description = "The restore point is deleted (its backup is no longer pinned by it)")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such restore point in it")
    public Response delete(@PathParam("projectId") UUID projectId, @PathParam("pointId") UUID pointId) {
        // A restore point pins a backup against retention: unpinning production's safety net is an admin's call.
        access.authorize(projectId, ProjectAction.DESTROY);
        points.delete(projectId, pointId);
        return Response.noContent().build();
    }
}
