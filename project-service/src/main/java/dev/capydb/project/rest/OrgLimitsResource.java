package dev.capydb.project.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.security.Caller;
import dev.capydb.project.rest.ProjectDtos.OrgLimitsBody;
import dev.capydb.project.service.ProjectService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/orgs/{orgId}/limits}: an organisation's limits and current use, so a quota refusal is no surprise. */
@Path("/v1/orgs/{orgId}/limits")
@Produces(MediaType.APPLICATION_JSON)
public class OrgLimitsResource {

    private final ProjectService service;
    private final Caller caller;

    public OrgLimitsResource(ProjectService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @Operation(
            operationId = "getOrgLimits",
            summary = "Show an organization's limits",
            description = "How many live projects the organization may have and how many it has; creating one "
                    + "more than the limit is refused with `quota_exceeded`.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = "`not_found`: no such organization among yours")
    public Uni<OrgLimitsBody> get(@PathParam("orgId") String orgId) {
        return caller.principalReactive()
                .invoke(principal -> {
                    if (principal.roleIn(orgId).isEmpty()) {
                        // Not revealing whether an organisation the caller is not in exists.
                        throw ApiException.notFound("organisation " + orgId);
                    }
                })
                .chain(() -> Panache.withSession(() -> service.projectQuota(orgId)))
                .map(q -> new OrgLimitsBody(orgId, q));
    }
}
