package dev.capydb.webhook.integration;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capydb.events.EventJson;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.service.Json;
import dev.capydb.webhook.service.Redact;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Upserts DATABASE_URL / DATABASE_URL_UNPOOLED through Vercel's and Netlify's REST APIs (base URLs from config). */
@ApplicationScoped
public class Providers {

    /** What to push where: the provider's ids and the decrypted token, for one call. */
    public record Target(
            String provider,
            String token,
            String projectId,
            String teamId,
            List<String> targets,
            String accountId,
            String siteId) {}

    private final WebhookConfig config;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public Providers(WebhookConfig config) {
        this.config = config;
    }

    public void push(Target t, ConnectionSource.Urls urls) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("DATABASE_URL", urls.databaseUrl());
        vars.put("DATABASE_URL_UNPOOLED", urls.databaseUrlUnpooled());
        switch (t.provider()) {
            case "vercel" -> vercel(t, vars);
            case "netlify" -> netlify(t, vars);
            default -> throw new IOException("unknown provider " + t.provider());
        }
    }

    /** {@code POST /v10/projects/{id}/env?upsert=true}: one call creates or updates both variables. */
    private void vercel(Target t, Map<String, String> vars) throws IOException {
        ArrayNode body = EventJson.mapper().createArrayNode();
        vars.forEach((key, value) -> {
            ObjectNode v = body.addObject();
            v.put("key", key);
            v.put("value", value);
            v.put("type", "encrypted");
            ArrayNode target = v.putArray("target");
            t.targets().forEach(target::add);
        });
        String url = config.vercelBaseUrl() + "/v10/projects/" + enc(t.projectId()) + "/env?upsert=true"
                + (t.teamId() != null ? "&teamId=" + enc(t.teamId()) : "");
        expect2xx(call("POST", url, t.token(), Json.write(body)), "Vercel");
    }

    /**
     * Netlify account env vars scoped to the site: update each with {@code PUT /api/v1/accounts/{a}/env/{key}},
     * creating it with {@code POST /api/v1/accounts/{a}/env} when it does not exist yet (404).
     */
    private void netlify(Target t, Map<String, String> vars) throws IOException {
        String base = config.netlifyBaseUrl() + "/api/v1/accounts/" + enc(t.accountId()) + "/env";
        String site = "?site_id=" + enc(t.siteId());
        for (Map.Entry<String, String> var : vars.entrySet()) {
            ObjectNode v = EventJson.mapper().createObjectNode();
            v.put("key", var.getKey());
            ArrayNode scopes = v.putArray("scopes");
            List.of("builds", "functions", "runtime", "post-processing").forEach(scopes::add);
            ObjectNode value = v.putArray("values").addObject();
            value.put("context", "all");
            value.put("value", var.getValue());
            HttpResponse<String> r = call("PUT", base + "/" + enc(var.getKey()) + site, t.token(), Json.write(v));
            if (r.statusCode() == 404) {
                ArrayNode create = EventJson.mapper().createArrayNode();
                create.add(v);
                r = call("POST", base + site, t.token(), Json.write(create));
            }
            expect2xx(r, "Netlify");
        }
    }

    private HttpResponse<String> call(String method, String url, String token, String json) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expect2xx(HttpResponse<String> r, String provider) throws IOException {
        if (r.statusCode() / 100 != 2) {
            String body = Redact.urlPasswords(r.body() == null ? "" : r.body());
            String detail = body.substring(0, Math.min(200, body.length()));
            throw new IOException(provider + " answered " + r.statusCode() + (detail.isBlank() ? "" : ": " + detail));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
