package dev.capydb.project.rest;

import dev.capydb.chassis.security.Caller;
import dev.capydb.project.rest.ProjectDtos.PlanBody;
import dev.capydb.project.rest.ProjectDtos.RegionBody;
import dev.capydb.project.service.ProjectService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /v1/regions} and {@code /v1/plans}: what a project can be created with. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    private final ProjectService service;
    private final Caller caller;

    public CatalogResource(ProjectService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @Operation(
            operationId = "listRegions",
            summary = "List regions",
            description = "Where projects can live, and whether each region offers point-in-time restore.")
    @GET
    @Path("/regions")
    public List<RegionBody> regions() {
        caller.principal();
        return service.regions().stream()
                .map(r -> new RegionBody(r.id(), r.pitrAvailable()))
                .toList();
    }

    @Operation(
            operationId = "listPlans",
            summary = "List plans",
            description = "The plans and their storage limits; imports and uploads are checked against " + "them.")
    @GET
    @Path("/plans")
    public List<PlanBody> plans() {
        caller.principal();
        return service.plans().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new PlanBody(
                        e.getKey(), e.getValue().displayName(), e.getValue().storageLimitMib() * 1024 * 1024))
                .toList();
    }
}
