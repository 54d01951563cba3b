package dev.capydb.project.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.dataplane.ConnectionStrings;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.project.repository.Project;
import dev.capydb.project.repository.ProjectRepository;
import dev.capydb.project.service.ProjectService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;

/**
 * {@code /internal/projects/{id}/connection}: the connection strings for CapyDB's own services (webhook-service
 * pushes them to Vercel/Netlify). Not routed by the gateway; needs the realm role {@code service} and a token of one
 * of the {@link InternalCallers}.
 */
@Path("/internal/projects")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("service")
public class InternalConnectionResource {

    /** Both connection strings of a project. */
    public record InternalConnection(UUID projectId, String databaseUrl, String databaseUrlUnpooled) {}

    private final ProjectRepository projects;
    private final ProjectService service;
    private final HostRegistry hosts;
    private final InternalCallers callers;

    public InternalConnectionResource(
            ProjectRepository projects, ProjectService service, HostRegistry hosts, InternalCallers callers) {
        this.callers = callers;
        this.projects = projects;
        this.service = service;
        this.hosts = hosts;
    }

    @GET
    @Path("/{id}/connection")
    public Uni<InternalConnection> connection(@PathParam("id") UUID id) {
        callers.require();
        return Panache.withSession(() -> projects.findLive(id))
                .map(p -> connection(id, p.orElseThrow(() -> ApiException.notFound("project " + id))));
    }

    private InternalConnection connection(UUID id, Project p) {
        DatabaseHost host = hosts.host(p.hostId);
        String password = service.password(p);
        return new InternalConnection(
                id,
                ConnectionStrings.pooled(host, p.roleName, password, p.databaseName),
                ConnectionStrings.unpooled(host, p.roleName, password, p.databaseName));
    }
}
