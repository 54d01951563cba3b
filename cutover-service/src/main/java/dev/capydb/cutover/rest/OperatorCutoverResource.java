package dev.capydb.cutover.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.security.Caller;
import dev.capydb.chassis.security.Principal;
import dev.capydb.cutover.rest.CutoverDtos.CutoverBody;
import dev.capydb.cutover.rest.CutoverDtos.Reason;
import dev.capydb.cutover.service.CutoverService;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/operator/cutover-requests}: platform operators (realm role {@code operator}) review and run every org's
 * cutovers. Org admins and members are refused with 403.
 */
@Path("/v1/operator/cutover-requests")
@Produces(MediaType.APPLICATION_JSON)
public class OperatorCutoverResource {

    private final CutoverService cutovers;
    private final Caller caller;
    private final Bodies bodies;

    public OperatorCutoverResource(CutoverService cutovers, Caller caller, Bodies bodies) {
        this.cutovers = cutovers;
        this.caller = caller;
        this.bodies = bodies;
    }

    @GET
    public Page<CutoverBody> list(@QueryParam("status") String status, @QueryParam("cursor") String cursor,
                                  @QueryParam("limit") Integer limit) {
        operator();
        return bodies.of(cutovers.listAll(Bodies.status(status), cursor, limit));
    }

    @GET
    @Path("/{requestId}")
    public CutoverBody get(@PathParam("requestId") UUID requestId) {
        operator();
        return bodies.of(cutovers.get(requestId));
    }

    @POST
    @Path("/{requestId}/ack")
    public CutoverBody ack(@PathParam("requestId") UUID requestId) {
        return bodies.of(cutovers.ack(requestId, operator().username()));
    }

    @POST
    @Path("/{requestId}/reject")
    public CutoverBody reject(@PathParam("requestId") UUID requestId, Reason body) {
        return bodies.of(cutovers.reject(requestId, operator().username(), body == null ? null : body.reason()));
    }

    /** 202: the saga runs on (pre-cutover backup, then promotion); poll the request. Idempotency-Key honoured. */
    @POST
    @Path("/{requestId}/execute")
    @APIResponse(responseCode = "202",
            description = "The cutover is in progress: the pre-cutover backup, then the promotion",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CutoverBody.class)))
    public Response execute(@PathParam("requestId") UUID requestId,
                            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return Response.accepted(bodies.of(cutovers.execute(requestId, operator().username(), idempotencyKey))).build();
    }

    /** Ends an in-progress cutover whose step never answered (backup-service down, a promotion that hangs). */
    @POST
    @Path("/{requestId}/fail")
    public CutoverBody fail(@PathParam("requestId") UUID requestId, Reason body) {
        return bodies.of(cutovers.markFailed(requestId, operator().username(), body == null ? null : body.reason()));
    }

    private Principal operator() {
        Principal p = caller.principal();
        if (!p.operator()) {
            throw ApiException.forbidden("operator endpoints need the platform role " + Principal.OPERATOR_ROLE);
        }
        return p;
    }
}
