package dev.capydb.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.auth.TokenSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** The gateway's JSON API: bearer token, problem+json answers turned into {@link ApiException}. */
public final class ApiClient {

    private final String baseUrl;
    private final HttpClient http;
    private final TokenSource tokens;

    public ApiClient(String baseUrl, HttpClient http, TokenSource tokens) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = http;
        this.tokens = tokens;
    }

    public JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    public JsonNode get(String path, Map<String, ?> query) {
        return send("GET", path + query(query), null, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body, null);
    }

    /** POSTs that start a job carry a fresh key, so a retried request cannot start a second job. */
    public JsonNode postJob(String path, Object body, String idempotencyKey) {
        return send("POST", path, body, idempotencyKey);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body, null);
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body, null);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, null);
    }

    private JsonNode send(String method, String path, Object body, String idempotencyKey) {
        HttpResponse<String> r = exchange(method, path, body, idempotencyKey);
        if (r.statusCode() == 401 && tokens.refreshAfterUnauthorized()) {
            r = exchange(method, path, body, idempotencyKey);
        }
        if (r.statusCode() >= 400) {
            throw problem(r);
        }
        return Json.parse(r.body());
    }

    private HttpResponse<String> exchange(String method, String path, Object body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + tokens.token())
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "capydb-cli");
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.compact(body)));
        } else if (method.equals("POST")) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiException.local("unreachable", "cannot reach the CapyDB API at " + baseUrl + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.local("interrupted", "interrupted");
        }
    }

    /** Whatever answered (a service, the gateway, a proxy in between), the user gets a detail and a code. */
    static ApiException problem(HttpResponse<String> r) {
        String ct = r.headers().firstValue("Content-Type").orElse("");
        String body = r.body() == null ? "" : r.body();
        if (ct.contains("json") && !body.isBlank()) {
            try {
                Problem p = Json.read(body, Problem.class);
                if (p.detail() != null || p.code() != null || p.title() != null) {
                    return new ApiException(new Problem(p.type(), p.title(), r.statusCode(),
                            p.code() != null ? p.code() : codeFor(r.statusCode()), p.detail(), p.instance(),
                            p.requestId(), p.errors()));
                }
            } catch (RuntimeException e) {
                // Not a problem document after all; fall through to the generic one.
            }
        }
        String detail = "HTTP " + r.statusCode() + (body.isBlank() ? "" : ": " + (body.length() > 300
                ? body.substring(0, 300) + "…" : body.strip()));
        return new ApiException(new Problem(null, null, r.statusCode(), codeFor(r.statusCode()), detail, null,
                r.headers().firstValue("X-Request-Id").orElse(null), null));
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 429 -> "rate_limited";
            default -> status >= 500 ? "server_error" : "http_" + status;
        };
    }

    public static String query(Map<String, ?> params) {
        StringJoiner j = new StringJoiner("&", "?", "");
        j.setEmptyValue("");
        new LinkedHashMap<>(params).forEach((k, v) -> {
            if (v != null) {
                j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        });
        return j.toString();
    }

    public static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
