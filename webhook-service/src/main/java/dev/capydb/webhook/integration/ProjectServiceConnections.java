package dev.capydb.webhook.integration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.service.Json;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Asks project-service (its internal endpoint, not routed by the gateway) for a project's connection strings,
 * authenticated with this service's client-credentials token (realm role {@code service}). The password lives
 * only in project-service; it is fetched at push time and never stored here.
 */
@ApplicationScoped
@DefaultBean
public class ProjectServiceConnections implements ConnectionSource {

    private final WebhookConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant tokenExpiresAt = Instant.EPOCH;

    public ProjectServiceConnections(WebhookConfig config) {
        this.config = config;
    }

    @Override
    public Urls fetch(UUID projectId) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.projectServiceUrl() + "/internal/projects/"
                        + projectId + "/connection"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token())
                .GET().build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IOException("project-service answered " + response.statusCode() + " for the connection strings");
        }
        JsonNode body = Json.tree(response.body());
        return new Urls(body.path("database_url").asText(), body.path("database_url_unpooled").asText());
    }

    private synchronized String token() throws IOException {
        if (token != null && Instant.now().isBefore(tokenExpiresAt)) {
            return token;
        }
        String secret = config.clientSecret().orElseThrow(() -> new IOException(
                "capydb.webhooks.client-secret is not configured: cannot authenticate to project-service"));
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(config.clientId(),
                StandardCharsets.UTF_8) + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(config.tokenUrl()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IOException("token endpoint answered " + response.statusCode());
        }
        JsonNode body = Json.tree(response.body());
        token = body.path("access_token").asText();
        // Renew a little early so a token never expires in flight.
        tokenExpiresAt = Instant.now().plusSeconds(Math.max(5, body.path("expires_in").asLong(60) - 30));
        return token;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
