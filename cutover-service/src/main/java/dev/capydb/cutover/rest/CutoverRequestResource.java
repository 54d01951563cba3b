package dev.capydb.cutover.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.security.Caller;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.rest.CutoverDtos.CreateCutover;
import dev.capydb.cutover.rest.CutoverDtos.CutoverBody;
import dev.capydb.cutover.rest.CutoverDtos.EditCutover;
import dev.capydb.cutover.service.CutoverQueries;
import dev.capydb.cutover.service.CutoverService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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

/**
 * {@code /v1/projects/{id}/cutover-requests}: the customer's side. Members read; opening, editing and cancelling
 * a request need the org admin role, since the request is what lets an operator overwrite production.
 */
@Path("/v1/projects/{projectId}/cutover-requests")
@Produces(MediaType.APPLICATION_JSON)
public class CutoverRequestResource {

    private final CutoverService cutovers;
    private final CutoverQueries queries;
    private final ProjectAccess access;
    private final Caller caller;
    private final Bodies bodies;

    public CutoverRequestResource(
            CutoverService cutovers, CutoverQueries queries, ProjectAccess access, Caller caller, Bodies bodies) {
        this.cutovers = cutovers;
        this.queries = queries;
        this.access = access;
        this.caller = caller;
        this.bodies = bodies;
    }

    @Operation(
            operationId = "createCutoverRequest",
            summary = "Request a cutover",
            description = "Asks an operator to make a ready preview's contents the project's production "
                    + "data. Attach a `customer_note` (up to 1000 characters) and an "
                    + "`external_ticket_ref` (up to 120), which is required before execution. One "
                    + "open request per preview at a time.")
    @POST
    @APIResponse(
            responseCode = "201",
            description = "The cutover request, open for an operator to review",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CutoverBody.class)))
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such preview in it")
    @APIResponse(
            responseCode = "409",
            description = "`preview_not_ready`: the preview is not ready; "
                    + "`preview_expired`: it expired; "
                    + "`cutover_request_exists`: it already has an unfinished cutover request")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: preview_id, customer_note or external_ticket_ref" + "; "
                    + Refusals.UNKNOWN_FIELD)
    public Uni<Response> create(@PathParam("projectId") UUID projectId, CreateCutover body) {
        CreateCutover b = body != null ? body : new CreateCutover(null, null, null);
        return access.authorizeReactive(projectId, ProjectAction.DESTROY)
                .chain(project -> caller.principalReactive()
                        .chain(who -> cutovers.create(
                                project,
                                who.username(),
                                new CutoverService.NewRequest(b.previewId(), b.customerNote(), b.externalTicketRef()))))
                .chain(r -> bodies.committed(r)
                        // A relative Location: the client follows it through the gateway, not to this service.
                        .map(rendered -> Response.status(201)
                                .entity(rendered)
                                .header("Location", "/v1/projects/" + projectId + "/cutover-requests/" + r.id)
                                .build()));
    }

    @Operation(
            operationId = "listCutoverRequests",
            summary = "List cutover requests",
            description = "The project's cutover requests, newest first; filter with `status`.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(responseCode = "422", description = "`validation_failed`: status, or " + Refusals.PAGING)
    public Uni<Page<CutoverBody>> list(
            @PathParam("projectId") UUID projectId,
            @Parameter(
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {
                                                "open",
                                                "acked",
                                                "rejected",
                                                "cancelled",
                                                "in_progress",
                                                "completed",
                                                "failed"
                                            }))
                    @QueryParam("status")
                    String status,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return access.authorizeReactive(projectId, ProjectAction.READ).chain(() -> {
            CutoverStatus wanted = Bodies.status(status);
            return Panache.withSession(() ->
                    queries.listForProject(projectId, wanted, cursor, limit).chain(bodies::of));
        });
    }

    @Operation(
            operationId = "getCutoverRequest",
            summary = "Get a cutover request",
            description = "One cutover request and where it is: `open`, `acked`, `rejected`, "
                    + "`in_progress`, `completed`, `failed` or `cancelled`.")
    @GET
    @Path("/{requestId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such cutover request in it")
    public Uni<CutoverBody> get(@PathParam("projectId") UUID projectId, @PathParam("requestId") UUID requestId) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> Panache.withSession(
                        () -> queries.get(projectId, requestId).chain(bodies::of)));
    }

    @Operation(
            operationId = "editCutoverRequest",
            summary = "Add a ticket reference or note",
            description =
                    "Sets the `external_ticket_ref` or `customer_note` while the request is `open` " + "or `acked`.")
    @PATCH
    @Path("/{requestId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such cutover request in it")
    @APIResponse(responseCode = "409", description = "`invalid_state`: the request is not open or acked")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: neither customer_note nor external_ticket_ref given, or one is invalid"
                    + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<CutoverBody> edit(
            @PathParam("projectId") UUID projectId, @PathParam("requestId") UUID requestId, EditCutover body) {
        EditCutover b = body != null ? body : new EditCutover(null, null);
        return access.authorizeReactive(projectId, ProjectAction.DESTROY)
                .chain(() -> cutovers.edit(
                        projectId, requestId, new CutoverService.Edit(b.customerNote(), b.externalTicketRef())))
                .chain(bodies::committed);
    }

    @Operation(
            operationId = "cancelCutoverRequest",
            summary = "Cancel a cutover request",
            description = "Withdraws an `open` request.")
    @POST
    @Path("/{requestId}/cancel")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND + ", or no such cutover request in it")
    @APIResponse(responseCode = "409", description = "`invalid_state`: the request is not open")
    public Uni<CutoverBody> cancel(@PathParam("projectId") UUID projectId, @PathParam("requestId") UUID requestId) {
        return access.authorizeReactive(projectId, ProjectAction.DESTROY)
                .chain(() -> caller.principalReactive())
                .chain(who -> cutovers.cancel(projectId, requestId, who.username()))
                .chain(bodies::committed);
    }
}
