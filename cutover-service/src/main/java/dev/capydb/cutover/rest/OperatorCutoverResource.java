package dev.capydb.cutover.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.security.Caller;
import dev.capydb.chassis.security.Principal;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.rest.CutoverDtos.CutoverBody;
import dev.capydb.cutover.rest.CutoverDtos.Reason;
import dev.capydb.cutover.service.CutoverQueries;
import dev.capydb.cutover.service.CutoverService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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

/**
 * {@code /v1/operator/cutover-requests}: platform operators (realm role {@code operator}) review and run every org's
 * cutovers. Org admins and members are refused with 403.
 */
@Path("/v1/operator/cutover-requests")
@Produces(MediaType.APPLICATION_JSON)
public class OperatorCutoverResource {

    private final CutoverService cutovers;
    private final CutoverQueries queries;
    private final Caller caller;
    private final Bodies bodies;

    public OperatorCutoverResource(CutoverService cutovers, CutoverQueries queries, Caller caller, Bodies bodies) {
        this.cutovers = cutovers;
        this.queries = queries;
        this.caller = caller;
        this.bodies = bodies;
    }

    @Operation(
            operationId = "listOperatorCutoverRequests",
            summary = "List cutover requests (operators)",
            description = "Every organization's cutover requests, for platform operators; filter with " + "`status`.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "422", description = "`validation_failed`: status, or " + Refusals.PAGING)
    public Uni<Page<CutoverBody>> list(
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
        return operator().chain(() -> {
            CutoverStatus wanted = Bodies.status(status);
            return Panache.withSession(
                    () -> queries.listAll(wanted, cursor, limit).chain(bodies::of));
        });
    }

    @Operation(
            operationId = "getOperatorCutoverRequest",
            summary = "Get a cutover request (operators)",
            description = "One cutover request, for platform operators.")
    @GET
    @Path("/{requestId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "404", description = "`not_found`: no such cutover request")
    public Uni<CutoverBody> get(@PathParam("requestId") UUID requestId) {
        return operator()
                .chain(() -> Panache.withSession(() -> queries.get(requestId).chain(bodies::of)));
    }

    @Operation(
            operationId = "ackCutoverRequest",
            summary = "Acknowledge a cutover request",
            description = "Moves an `open` request to `acked`: an operator has reviewed it and will " + "schedule it.")
    @POST
    @Path("/{requestId}/ack")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "404", description = "`not_found`: no such cutover request")
    @APIResponse(responseCode = "409", description = "`invalid_state`: the request is not open")
    public Uni<CutoverBody> ack(@PathParam("requestId") UUID requestId) {
        return operator().chain(p -> cutovers.ack(requestId, p.username())).chain(bodies::committed);
    }

    @Operation(
            operationId = "rejectCutoverRequest",
            summary = "Reject a cutover request",
            description = "Moves an `open` request to `rejected`, with the stated `reason`.")
    @POST
    @Path("/{requestId}/reject")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "404", description = "`not_found`: no such cutover request")
    @APIResponse(responseCode = "409", description = "`invalid_state`: the request is not open")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: reason is missing or too long" + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<CutoverBody> reject(@PathParam("requestId") UUID requestId, Reason body) {
        return operator()
                .chain(p -> cutovers.reject(requestId, p.username(), body == null ? null : body.reason()))
                .chain(bodies::committed);
    }

    /** 202: the saga runs on (pre-cutover backup, then promotion); poll the request. Idempotency-Key honoured. */
    @Operation(
            operationId = "executeCutoverRequest",
            summary = "Execute a cutover",
            description = "Starts the promotion of an `acked` request that has an external ticket "
                    + "reference: a verified `pre-cutover-<request-id>` backup of production is taken "
                    + "first, then the preview's contents are copied over the production database. "
                    + "The request moves through `in_progress` to `completed` or `failed`; a failed "
                    + "promotion is not retried.")
    @POST
    @Path("/{requestId}/execute")
    @APIResponse(
            responseCode = "202",
            description = "The cutover is in progress: the pre-cutover backup, then the promotion",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CutoverBody.class)))
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "404", description = "`not_found`: no such cutover request")
    @APIResponse(
            responseCode = "409",
            description = "`invalid_state`: the request is not acked; "
                    + "`preview_not_ready`: the preview is not ready or no longer known; "
                    + "`preview_expired`: it expired; "
                    + "`project_deleted`: the project was deleted; "
                    + "`project_busy`: the project is not active or another cutover of it runs")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: Idempotency-Key (1-200 characters); "
                    + "`ticket_ref_required`: the request has no external_ticket_ref")
    public Uni<Response> execute(
            @PathParam("requestId") UUID requestId, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return operator()
                .chain(p -> cutovers.execute(requestId, p.username(), idempotencyKey))
                .chain(bodies::committed)
                .map(rendered -> Response.accepted(rendered).build());
    }

    /** Ends an in-progress cutover whose step never answered (backup-service down, a promotion that hangs). */
    @Operation(
            operationId = "failCutoverRequest",
            summary = "Mark a cutover failed",
            description = "Ends a stuck `in_progress` request as `failed`, with the operator's `reason`; "
                    + "production is not touched by this call.")
    @POST
    @Path("/{requestId}/fail")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.OPERATOR_ONLY)
    @APIResponse(responseCode = "404", description = "`not_found`: no such cutover request")
    @APIResponse(responseCode = "409", description = "`invalid_state`: the request is not in progress")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: reason is missing or too long" + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<CutoverBody> fail(@PathParam("requestId") UUID requestId, Reason body) {
        return operator()
                .chain(p -> cutovers.markFailed(requestId, p.username(), body == null ? null : body.reason()))
                .chain(bodies::committed);
    }

    private Uni<Principal> operator() {
        return caller.principalReactive().invoke(p -> {
            if (!p.operator()) {
                throw ApiException.forbidden("operator endpoints need the platform role " + Principal.OPERATOR_ROLE);
            }
        });
    }
}
