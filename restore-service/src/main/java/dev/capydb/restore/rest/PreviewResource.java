package dev.capydb.restore.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.dataplane.ConnectionStrings;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.rest.RestoreDtos.ExtendPreview;
import dev.capydb.restore.rest.RestoreDtos.PreviewBody;
import dev.capydb.restore.rest.RestoreDtos.PreviewConnection;
import dev.capydb.restore.service.PreviewService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/projects/{id}/previews}: list, get (masked), connection (full), extend TTL, delete. */
@Path("/v1/projects/{projectId}/previews")
@Produces(MediaType.APPLICATION_JSON)
public class PreviewResource {

    private final PreviewService previews;
    private final ProjectAccess access;
    private final HostRegistry hosts;

    public PreviewResource(PreviewService previews, ProjectAccess access, HostRegistry hosts) {
        this.previews = previews;
        this.access = access;
        this.hosts = hosts;
    }

    @Operation(
            operationId = "listPreviews",
            summary = "List previews",
            description = "The project's preview databases, newest first.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Page<PreviewBody> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.authorize(projectId, ProjectAction.READ);
        return previews.list(projectId, cursor, limit).map(this::body);
    }

    @Operation(
            operationId = "getPreview",
            summary = "Get a preview",
            description = "One preview: status, expiry and a masked connection string.")
    @GET
    @Path("/{previewId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such live preview in it")
    public PreviewBody get(@PathParam("projectId") UUID projectId, @PathParam("previewId") UUID previewId) {
        access.authorize(projectId, ProjectAction.READ);
        return body(previews.get(projectId, previewId));
    }

    @Operation(
            operationId = "getPreviewConnection",
            summary = "Get a preview's connection strings",
            description = "The preview's full connection strings, with the password; members only.")
    @GET
    @Path("/{previewId}/connection")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such live preview in it")
    public PreviewConnection connection(
            @PathParam("projectId") UUID projectId, @PathParam("previewId") UUID previewId) {
        access.authorize(projectId, ProjectAction.READ);
        Preview p = previews.get(projectId, previewId);
        var host = hosts.host(p.hostId);
        String password = previews.password(p);
        return new PreviewConnection(
                ConnectionStrings.pooled(host, p.roleName, password, p.databaseName),
                ConnectionStrings.unpooled(host, p.roleName, password, p.databaseName),
                host.publicHost(),
                host.port(),
                p.databaseName,
                p.roleName,
                password);
    }

    @Operation(
            operationId = "extendPreview",
            summary = "Extend a preview",
            description = "Sets the preview's time to live, counted from now (`ttl_hours`, at most 720). "
                    + "`preview.expiring` fires an hour before it is dropped.")
    @PATCH
    @Path("/{previewId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such live preview in it")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: ttl_hours (1-720)" + "; " + Refusals.UNKNOWN_FIELD)
    public PreviewBody extend(
            @PathParam("projectId") UUID projectId, @PathParam("previewId") UUID previewId, ExtendPreview body) {
        access.authorize(projectId, ProjectAction.OPERATE);
        return body(previews.extend(projectId, previewId, body == null ? null : body.ttlHours()));
    }

    @Operation(
            operationId = "deletePreview",
            summary = "Delete a preview",
            description = "Drops the preview database now.")
    @DELETE
    @Path("/{previewId}")
    @APIResponse(responseCode = "204", description = "The preview and its database are dropped")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such live preview in it")
    @APIResponse(
            responseCode = "409",
            description = "`preview_busy`: a restore into the preview, or a cutover copying it, is running")
    public Response delete(@PathParam("projectId") UUID projectId, @PathParam("previewId") UUID previewId) {
        access.authorize(projectId, ProjectAction.DESTROY);
        previews.delete(projectId, previewId);
        return Response.noContent().build();
    }

    private PreviewBody body(Preview p) {
        return PreviewBody.of(p, hosts.host(p.hostId));
    }
}
