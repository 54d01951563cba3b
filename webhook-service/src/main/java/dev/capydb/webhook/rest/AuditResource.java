package dev.capydb.webhook.rest;

import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.webhook.service.AuditTrail;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /v1/projects/{id}/audit-events?type=&since=}: the project's lifecycle history, newest first. */
@Path("/v1/projects/{projectId}/audit-events")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditTrail audit;
    private final ProjectAccess access;

    public AuditResource(AuditTrail audit, ProjectAccess access) {
        this.audit = audit;
        this.access = access;
    }

    @Operation(
            operationId = "listAuditEvents",
            summary = "List the audit trail",
            description = "The project's lifecycle history, newest first: backups, restores "
                    + "(`production_overwrite_restore` with the pre-cutover backup id), imports and "
                    + "every cutover step (`cutover.requested`, `cutover.acked`, `cutover.rejected`, "
                    + "`cutover.promote_started`…). Filter with `type`.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: since is not an RFC 3339 time, or " + Refusals.PAGING)
    public Uni<Page<AuditTrail.Entry>> list(
            @PathParam("projectId") UUID projectId,
            @QueryParam("type") String type,
            @QueryParam("since") String since,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return access.authorizeReactive(projectId, ProjectAction.READ)
                .chain(() -> audit.list(projectId, type, since, cursor, limit));
    }
}
