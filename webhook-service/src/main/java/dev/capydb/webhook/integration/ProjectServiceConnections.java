package dev.capydb.webhook.integration;

import dev.capydb.webhook.config.WebhookConfig;
import io.quarkus.arc.DefaultBean;
import io.quarkus.oidc.client.OidcClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Asks project-service (its internal endpoint, not routed by the gateway) for a project's connection strings,
 * authenticated with this service's client-credentials token (realm role {@code service}). The password lives
 * only in project-service; it is fetched at push time and never stored here.
 */
@ApplicationScoped
@DefaultBean
public class ProjectServiceConnections implements ConnectionSource {

    private final ProjectServiceClient client;
    private final WebhookConfig config;

    public ProjectServiceConnections(@RestClient ProjectServiceClient client, WebhookConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public Urls fetch(UUID projectId) throws IOException {
        // Without a secret the token endpoint's refusal would hide the actual cause.
        if (config.clientSecret().isEmpty()) {
            throw new IOException(
                    "capydb.webhooks.client-secret is not configured: cannot authenticate to project-service");
        }
        RestResponse<ProjectServiceClient.Connection> response;
        try {
            response = client.connection(projectId);
        } catch (WebApplicationException e) {
            throw answered(e.getResponse().getStatus());
        } catch (RuntimeException e) {
            // No token, or project-service unreachable or too slow. The OIDC client's failure comes out of the filter
            // as it is or wrapped in a ProcessingException, so the chain is searched rather than one type caught.
            if (chain(e).anyMatch(OidcClientException.class::isInstance)) {
                throw new IOException("no token for project-service from " + config.tokenUrl() + ": " + causes(e), e);
            }
            throw new IOException(
                    "project-service at " + config.projectServiceUrl()
                            + " could not be asked for the connection strings: " + causes(e),
                    e);
        }
        if (response.getStatus() != 200) {
            throw answered(response.getStatus());
        }
        ProjectServiceClient.Connection body = response.getEntity();
        if (body == null || body.databaseUrl() == null || body.databaseUrlUnpooled() == null) {
            throw new IOException("project-service answered 200 without the connection strings");
        }
        return new Urls(body.databaseUrl(), body.databaseUrlUnpooled());
    }

    private static IOException answered(int status) {
        return new IOException("project-service answered " + status + " for the connection strings");
    }

    private static Stream<Throwable> chain(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, t -> t.getCause() == t ? null : t.getCause());
    }

    /**
     * The messages down the cause chain, suppressed ones included: the outer ones name the step, the inner ones the
     * reason. One a wrapper already repeats is left out.
     */
    private static String causes(Throwable e) {
        List<String> messages = new ArrayList<>();
        chain(e).flatMap(t -> Stream.concat(Stream.of(t), Stream.of(t.getSuppressed())))
                .forEach(t -> {
                    String message = t.getMessage() != null
                            ? t.getMessage()
                            : t.getClass().getSimpleName();
                    if (messages.stream().noneMatch(m -> m.contains(message))) {
                        messages.add(message);
                    }
                });
        return String.join(": ", messages);
    }
}
