package dev.capydb.chassis;

import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.readmodel.ProjectView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;

/** A resource that exists only in the chassis tests, to exercise authorization and error mapping over HTTP. */
@Path("/test")
public class TestResource {

    private final ProjectAccess access;

    public TestResource(ProjectAccess access) {
        this.access = access;
    }

    /** A request body with two constrained fields. */
    public record Thing(String name, Integer size) {}

    @GET
    @Path("/projects/{id}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "404", description = Refusals.PROJECT_NOT_FOUND)
    public ProjectView project(@PathParam("id") UUID id, @QueryParam("action") ProjectAction action) {
        return access.authorize(id, action == null ? ProjectAction.READ : action);
    }

    /** Logs one line, so a test can see which logging context a request's lines carry. */
    @GET
    @Path("/projects/{id}/log")
    public String log(@PathParam("id") UUID id) {
        Logger.getLogger(TestResource.class).infof("handling a request about %s", id);
        return "logged";
    }

    @POST
    @Path("/things")
    public Thing create(Thing thing) {
        Validation.start()
                .check(
                        thing != null && thing.name() != null && thing.name().matches("[a-z]{1,10}"),
                        "name",
                        "must be 1-10 lower-case letters")
                .check(thing != null && thing.size() != null && thing.size() > 0, "size", "must be positive")
                .orThrow();
        return thing;
    }

    /** Answers 204 with no body, like the API's deletes; produces JSON like every API resource. */
    @DELETE
    @Path("/things/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public void forget(@PathParam("id") UUID id) {}
}
