package dev.capydb.project.rest;

import dev.capydb.chassis.consistency.ConsumerBarrier;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.security.Caller;
import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.dataplane.ConnectionStrings;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.project.repository.Project;
import dev.capydb.project.repository.ProjectRepository;
import dev.capydb.project.rest.ProjectDtos.ConnectionBody;
import dev.capydb.project.rest.ProjectDtos.ConnectionUris;
import dev.capydb.project.rest.ProjectDtos.CreateProject;
import dev.capydb.project.rest.ProjectDtos.DatabaseBody;
import dev.capydb.project.rest.ProjectDtos.Pitr;
import dev.capydb.project.rest.ProjectDtos.ProjectBody;
import dev.capydb.project.service.PitrWindows;
import dev.capydb.project.service.ProjectService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
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

/** {@code /v1/projects}: create, list, get, delete, and the full connection strings. */
@Path("/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService service;
    private final ProjectRepository projects;
    private final ProjectAccess access;
    private final Caller caller;
    private final HostRegistry hosts;
    private final PitrWindows windows;
    private final ConsumerBarrier barrier;
    private final BlockingWork blocking;

    public ProjectResource(
            ProjectService service,
            ProjectRepository projects,
            ProjectAccess access,
            Caller caller,
            HostRegistry hosts,
            PitrWindows windows,
            ConsumerBarrier barrier,
            BlockingWork blocking) {
        this.barrier = barrier;
        this.blocking = blocking;
        this.windows = windows;
        this.service = service;
        this.projects = projects;
        this.access = access;
        this.caller = caller;
        this.hosts = hosts;
    }

    @Operation(
            operationId = "createProject",
            summary = "Create a project",
            description = "Creates the project's database, role and password on a host in the region (and "
                    + "plan) asked for. Answers once the database is usable.")
    @POST
    @APIResponse(
            responseCode = "201",
            description = "The project, provisioning; its database is ready when status is active",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ProjectBody.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "`name_taken`: the organization already has a project of that name; "
                            + "`quota_exceeded`: the organization has as many projects as its limit (GET /v1/orgs/{orgId}/limits)")
    @APIResponse(
            responseCode = "422",
            description =
                    "`validation_failed`: name, region, plan or org_id is invalid, or you are not a member of org_id; "
                            + "`unknown_region`: no such region; "
                            + "`unknown_plan`: no such plan"
                            + "; " + Refusals.UNKNOWN_FIELD)
    public Uni<Response> create(CreateProject body) {
        if (body == null) {
            throw ApiException.invalid("name", "is required");
        }
        return caller.principalReactive()
                .chain(principal -> service.validate(principal, body.name(), body.region(), body.plan(), body.orgId())
                        .chain(spec -> service.create(principal, spec)))
                .chain(this::body)
                // A relative Location: the client follows it through the gateway, not to this service.
                .map(p -> Response.status(Response.Status.CREATED)
                        .header("Location", "/v1/projects/" + p.id())
                        .entity(p)
                        .build());
    }

    @Operation(
            operationId = "listProjects",
            summary = "List projects",
            description = "The projects of the caller's organizations, newest first.")
    @GET
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "422", description = "`validation_failed`: " + Refusals.PAGING)
    public Uni<Page<ProjectBody>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return caller.principalReactive()
                .chain(principal -> service.list(principal, cursor, limit))
                .chain(page -> Multi.createFrom()
                        .iterable(page.items())
                        .onItem()
                        .transformToUniAndConcatenate(this::body)
                        .collect()
                        .asList()
                        .map(bodies -> new Page<>(bodies, page.nextCursor())));
    }

    @Operation(
            operationId = "getProject",
            summary = "Get a project",
            description = "One project: status, region, plan, a masked connection string and `pitr: "
                    + "{available, earliest, latest}`, the window a point-in-time restore can reach.")
    @GET
    @Path("/{projectId}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    public Uni<ProjectBody> get(@PathParam("projectId") UUID id) {
        return load(id, ProjectAction.READ).chain(this::body);
    }

    @Operation(
            operationId = "getProjectConnection",
            summary = "Get a project's connection strings",
            description = "The full connection strings (`DATABASE_URL`, `DATABASE_URL_UNPOOLED`) with the "
                    + "password; members only.")
    @GET
    @Path("/{projectId}/connection")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    public Uni<ConnectionBody> connection(@PathParam("projectId") UUID id) {
        return load(id, ProjectAction.READ).map(this::connection);
    }

    private ConnectionBody connection(Project p) {
        DatabaseHost host = hosts.host(p.hostId);
        String password = service.password(p);
        return new ConnectionBody(
                ConnectionStrings.pooled(host, p.roleName, password, p.databaseName),
                ConnectionStrings.unpooled(host, p.roleName, password, p.databaseName),
                host.publicHost(),
                host.port(),
                host.pooledPort(),
                p.databaseName,
                p.roleName,
                password);
    }

    @Operation(
            operationId = "deleteProject",
            summary = "Delete a project",
            description = "Drops the project's database and role. Its daily backup schedule stops.")
    @DELETE
    @Path("/{projectId}")
    @APIResponse(responseCode = "204", description = "The project and its database are deleted")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    @APIResponse(
            responseCode = "409",
            description = "`project_busy`: the project is not active, or another operation runs on it")
    public Uni<Response> delete(@PathParam("projectId") UUID id) {
        return access.authorizeReactive(id, ProjectAction.DESTROY)
                .chain(() -> service.delete(id))
                // Every service keeps serving a project until it applies project.deleted: answer once all have.
                .chain(published -> blocking.call(() -> barrier.awaitConsumed(published)))
                .map(ignored -> Response.noContent().build());
    }

    /** The window only where the region archives WAL; listing many projects skips the host round trip. */
    private Uni<Pitr> pitr(Project p, DatabaseHost host) {
        if (!service.pitrAvailable(p)) {
            return Uni.createFrom().item(new Pitr(false, null, null));
        }
        return windows.of(host).map(w -> new Pitr(true, w.earliest(), w.latest()));
    }

    private Uni<Project> load(UUID id, ProjectAction action) {
        return access.authorizeReactive(id, action)
                .chain(() -> Panache.withSession(() -> projects.findLive(id)))
                .map(p -> p.orElseThrow(() -> ApiException.notFound("project " + id)));
    }

    private Uni<ProjectBody> body(Project p) {
        DatabaseHost host = hosts.host(p.hostId);
        return pitr(p, host).map(pitr -> body(p, host, pitr));
    }

    private static ProjectBody body(Project p, DatabaseHost host, Pitr pitr) {
        String mask = ConnectionStrings.MASK;
        return new ProjectBody(
                p.id,
                p.orgId,
                p.name,
                p.region,
                p.plan,
                p.storageLimitBytes,
                p.status.wire(),
                new DatabaseBody(host.publicHost(), host.port(), p.databaseName, p.roleName),
                new ConnectionUris(
                        ConnectionStrings.pooled(host, p.roleName, mask, p.databaseName),
                        ConnectionStrings.unpooled(host, p.roleName, mask, p.databaseName)),
                pitr,
                p.createdAt,
                p.updatedAt);
    }
}
