package dev.capydb.webhook.integration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * project-service's internal connection endpoint, called with this service's client-credentials token (the default
 * {@code quarkus.oidc-client}, application.properties).
 */
@RegisterRestClient(configKey = "project-service")
@OidcClientFilter
@Path("/internal/projects")
public interface ProjectServiceClient {

    /** The endpoint's body; its other fields (the project id, anything added later) are not needed here. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Connection(
            @JsonProperty("database_url") String databaseUrl,
            @JsonProperty("database_url_unpooled") String databaseUrlUnpooled) {}

    @GET
    @Path("/{id}/connection")
    @Produces(MediaType.APPLICATION_JSON)
    RestResponse<Connection> connection(@PathParam("id") UUID projectId);
}
