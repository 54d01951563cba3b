package dev.capydb.webhook.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.webhook.rest.WebhookDtos.CreateWebhook;
import dev.capydb.webhook.rest.WebhookDtos.DeliveryBody;
import dev.capydb.webhook.rest.WebhookDtos.UpdateWebhook;
import dev.capydb.webhook.rest.WebhookDtos.WebhookBody;
import dev.capydb.webhook.rest.WebhookDtos.WebhookLimitsBody;
import dev.capydb.webhook.service.WebhookService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

/** {@code /v1/projects/{id}/webhooks}: endpoints, their secret, tests, deliveries and redelivery. */
@Path("/v1/projects/{projectId}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;
    private final ProjectAccess access;

    public WebhookResource(WebhookService webhooks, ProjectAccess access) {
        this.webhooks = webhooks;
        this.access = access;
    }

    @Operation(
            operationId = "createWebhook",
            summary = "Create a webhook endpoint",
            description = "Registers an HTTPS endpoint for the project's lifecycle events. The answer "
                    + "carries the endpoint's signing secret (`whsec_…`) this one time only; "
                    + "deliveries follow the Standard Webhooks spec (`webhook-id`, "
                    + "`webhook-timestamp`, `webhook-signature`).")
    @POST
    @APIResponse(
            responseCode = "201",
            description = "The webhook, with its signing secret (shown only now)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "409",
            description = "`quota_exceeded`: the project has as many webhook endpoints "
                    + "as its limit (GET /v1/projects/{projectId}/webhooks/limits)")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: url, description or event_types; "
                    + "`target_not_public`: the URL's host is not a public address"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<Response> create(@PathParam("projectId") UUID projectId, CreateWebhook body) {
        CreateWebhook b = body != null ? body : new CreateWebhook(null, null, null);
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(project -> webhooks.create(project, b.url(), b.description(), b.eventTypes()))
                .map(created -> Response.status(Response.Status.CREATED)
                        .header("Location", "/v1/projects/" + projectId + "/webhooks/" + created.webhook().id)
                        .entity(WebhookBody.of(created.webhook(), created.secret()))
                        .build());
    }

    @Operation(
            operationId = "listWebhooks",
            summary = "List webhook endpoints",
            description = "The project's webhook endpoints, newest first, without their secrets.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Uni<Page<WebhookBody>> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> webhooks.list(projectId, cursor, limit))
                .map(page -> page.map(w -> WebhookBody.of(w, null)));
    }

    @Operation(
            operationId = "getWebhookLimits",
            summary = "Show the project's webhook limit",
            description = "How many webhook endpoints the project may have and how many it has; creating one "
                    + "more than the limit is refused with `quota_exceeded`.")
    @GET
    @Path("/limits")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    public Uni<WebhookLimitsBody> limits(@PathParam("projectId") UUID projectId) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> webhooks.quota(projectId))
                .map(quota -> new WebhookLimitsBody(projectId, quota));
    }

    @Operation(
            operationId = "getWebhook",
            summary = "Get a webhook endpoint",
            description = "One endpoint: its URL, the event types it receives and whether it is enabled "
                    + "(an endpoint answering `410` is disabled).")
    @GET
    @Path("/{webhookId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    public Uni<WebhookBody> get(@PathParam("projectId") UUID projectId, @PathParam("webhookId") UUID webhookId) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> webhooks.get(projectId, webhookId))
                .map(w -> WebhookBody.of(w, null));
    }

    @Operation(
            operationId = "updateWebhook",
            summary = "Update a webhook endpoint",
            description =
                    "Changes the URL, the event types or the enabled flag; fields left out keep " + "their value.")
    @PATCH
    @Path("/{webhookId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: url, description or event_types; "
                    + "`target_not_public`: the URL's host is not a public address"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<WebhookBody> update(
            @PathParam("projectId") UUID projectId, @PathParam("webhookId") UUID webhookId, UpdateWebhook body) {
        UpdateWebhook b = body != null ? body : new UpdateWebhook(null, null, null, null);
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(() ->
                        webhooks.update(projectId, webhookId, b.url(), b.description(), b.eventTypes(), b.active()))
                .map(w -> WebhookBody.of(w, null));
    }

    @Operation(
            operationId = "deleteWebhook",
            summary = "Delete a webhook endpoint",
            description = "Stops deliveries to the endpoint and removes it; its delivery history goes " + "with it.")
    @DELETE
    @Path("/{webhookId}")
    @APIResponse(responseCode = "204", description = "The webhook is deleted")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("webhookId") UUID webhookId) {
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(() -> webhooks.delete(projectId, webhookId))
                .map(nothing -> Response.noContent().build());
    }

    /** A new signing secret, shown once; the previous one keeps signing for 24 h. */
    @Operation(
            operationId = "rotateWebhookSecret",
            summary = "Rotate a webhook signing secret",
            description = "Issues a new signing secret, returned this one time. For 24 hours deliveries "
                    + "carry two signatures, one with each secret, so receivers can switch without "
                    + "dropping any.")
    @POST
    @Path("/{webhookId}/rotate-secret")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    public Uni<WebhookBody> rotate(@PathParam("projectId") UUID projectId, @PathParam("webhookId") UUID webhookId) {
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(() -> webhooks.rotateSecret(projectId, webhookId))
                .map(rotated -> WebhookBody.of(rotated.webhook(), rotated.secret()));
    }

    @Operation(
            operationId = "sendTestWebhook",
            summary = "Send a test event",
            description = "Queues a `webhook.test` delivery to the endpoint, signed and retried like any "
                    + "other, so a receiver can be checked before real events arrive.")
    @POST
    @Path("/{webhookId}/test")
    @APIResponse(
            responseCode = "202",
            description = "A test delivery, queued",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeliveryBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    @APIResponse(responseCode = "409", description = "`webhook_disabled`: the webhook is disabled")
    public Uni<Response> test(@PathParam("projectId") UUID projectId, @PathParam("webhookId") UUID webhookId) {
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(() -> webhooks.test(projectId, webhookId))
                .map(d -> Response.accepted(DeliveryBody.of(d)).build());
    }

    @Operation(
            operationId = "listWebhookDeliveries",
            summary = "List an endpoint's deliveries",
            description = "Every delivery attempt to the endpoint, newest first: event, status, attempts, "
                    + "last response status and next retry. Failed deliveries are retried with "
                    + "back-off (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).")
    @GET
    @Path("/{webhookId}/deliveries")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such webhook in it")
    @APIResponse(responseCode = "422", description = "`validation_failed`: status, or " + Refusals.PAGING)
    public Uni<Page<DeliveryBody>> deliveries(
            @PathParam("projectId") UUID projectId,
            @PathParam("webhookId") UUID webhookId,
            @Parameter(
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"pending", "delivered", "failed"}))
                    @QueryParam("status")
                    String status,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> webhooks.deliveries(projectId, webhookId, status, cursor, limit))
                .map(page -> page.map(DeliveryBody::of));
    }

    @Operation(
            operationId = "getWebhookDelivery",
            summary = "Get a delivery",
            description = "One delivery: the event it carries, its attempts and their outcome.")
    @GET
    @Path("/deliveries/{deliveryId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such delivery in it")
    public Uni<DeliveryBody> delivery(
            @PathParam("projectId") UUID projectId, @PathParam("deliveryId") UUID deliveryId) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> webhooks.delivery(projectId, deliveryId))
                .map(DeliveryBody::of);
    }

    @Operation(
            operationId = "redeliverWebhookDelivery",
            summary = "Redeliver an event",
            description = "Sends the delivery's event again with the same `webhook-id`, so a receiver "
                    + "that deduplicates sees it once.")
    @POST
    @Path("/deliveries/{deliveryId}/redeliver")
    @APIResponse(
            responseCode = "202",
            description = "The delivery, queued again",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeliveryBody.class)))
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such delivery in it")
    @APIResponse(
            responseCode = "409",
            description = "`delivery_pending`: the delivery is still being attempted; "
                    + "`webhook_disabled`: its webhook is disabled")
    public Uni<Response> redeliver(@PathParam("projectId") UUID projectId, @PathParam("deliveryId") UUID deliveryId) {
        return access.authorizeReactive(projectId, ProjectAction.OPERATE)
                .chain(() -> webhooks.redeliver(projectId, deliveryId))
                .map(d -> Response.accepted(DeliveryBody.of(d)).build());
    }
}
