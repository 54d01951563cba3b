package dev.capydb.webhook.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.webhook.integration.IntegrationService;
import dev.capydb.webhook.rest.WebhookDtos.CreateIntegration;
import dev.capydb.webhook.rest.WebhookDtos.IntegrationBody;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

/** {@code /v1/projects/{id}/integrations}: Vercel/Netlify connections (org admins; tokens are write-only). */
@Path("/v1/projects/{projectId}/integrations")
@Produces(MediaType.APPLICATION_JSON)
public class IntegrationResource {

    private final IntegrationService integrations;
    private final ProjectAccess access;

    public IntegrationResource(IntegrationService integrations, ProjectAccess access) {
        this.integrations = integrations;
        this.access = access;
    }

    @Operation(
            operationId = "createIntegration",
            summary = "Connect a Vercel or Netlify project",
            description = "After a restore into the project, an import or a cutover, the project's "
                    + "`DATABASE_URL` and `DATABASE_URL_UNPOOLED` are pushed to the connected "
                    + "project's environment variables. The access token is stored encrypted and "
                    + "never returned.")
    @POST
    @APIResponse(
            responseCode = "201",
            description = "The integration (its access token is never shown again)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IntegrationBody.class)))
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "422",
            description =
                    "`validation_failed`: provider, access_token, project_id, team_id, targets, account_id or site_id"
                            + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<Response> create(@PathParam("projectId") UUID projectId, CreateIntegration body) {
        CreateIntegration b = body != null ? body : new CreateIntegration(null, null, null, null, null, null, null);
        return access.authorizeReactive(projectId, ProjectAction.DESTROY)
                .chain(project -> integrations.create(
                        project,
                        new IntegrationService.Request(
                                b.provider(),
                                b.accessToken(),
                                b.projectId(),
                                b.teamId(),
                                b.targets(),
                                b.accountId(),
                                b.siteId())))
                .map(i -> Response.status(Response.Status.CREATED)
                        .header("Location", "/v1/projects/" + projectId + "/integrations/" + i.id)
                        .entity(IntegrationBody.of(i))
                        .build());
    }

    @Operation(
            operationId = "listIntegrations",
            summary = "List integrations",
            description = "The project's Vercel and Netlify integrations, without their tokens.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Uni<Page<IntegrationBody>> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> integrations.list(projectId, cursor, limit))
                .map(page -> page.map(IntegrationBody::of));
    }

    @Operation(
            operationId = "getIntegration",
            summary = "Get an integration",
            description = "One integration and the outcome of its last env-var sync.")
    @GET
    @Path("/{integrationId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such integration in it")
    public Uni<IntegrationBody> get(
            @PathParam("projectId") UUID projectId, @PathParam("integrationId") UUID integrationId) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> integrations.get(projectId, integrationId))
                .map(IntegrationBody::of);
    }

    @Operation(
            operationId = "deleteIntegration",
            summary = "Disconnect an integration",
            description = "Stops env-var syncs to the provider and forgets its token; variables already "
                    + "pushed stay where they are.")
    @DELETE
    @Path("/{integrationId}")
    @APIResponse(responseCode = "204", description = "The integration is deleted")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such integration in it")
    public Uni<Response> delete(
            @PathParam("projectId") UUID projectId, @PathParam("integrationId") UUID integrationId) {
        return access.authorizeReactive(projectId, ProjectAction.DESTROY)
                .chain(() -> integrations.delete(projectId, integrationId))
                .map(nothing -> Response.noContent().build());
    }
}
