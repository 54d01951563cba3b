package dev.capydb.gateway.routing;

import dev.capydb.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Serves {@code /v1/openapi.json}: the services' own OpenAPI documents fetched and merged, keeping only the
 * public paths each service owns in the route table. Cached briefly; a service that is down is listed as missing.
 */
@ApplicationScoped
public class OpenApiMerger {

    private static final String SCHEMA_REF = "#/components/schemas/";

    private final GatewayConfig config;
    private final RouteTable table;
    private final HttpClient client;
    private volatile Buffer cached;
    private volatile long cachedAtNanos;

    public OpenApiMerger(GatewayConfig config, Vertx vertx) {
        this.config = config;
        this.table = new RouteTable(config.routes());
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
    }

    void serve(RoutingContext rc) {
        Buffer current = cached;
        if (current != null
                && System.nanoTime() - cachedAtNanos < config.openapiCacheTtl().toNanos()) {
            rc.response().putHeader("Content-Type", "application/json").end(current);
            return;
        }
        merged().onSuccess(doc -> {
                    cached = doc;
                    cachedAtNanos = System.nanoTime();
                    rc.response().putHeader("Content-Type", "application/json").end(doc);
                })
                .onFailure(rc::fail);
    }

    Future<Buffer> merged() {
        Map<String, String> services = new TreeMap<>(config.services());
        List<String> names = new ArrayList<>(services.keySet());
        List<Future<JsonObject>> docs =
                names.stream().map(n -> fetch(services.get(n))).toList();
        return Future.join(new ArrayList<>(docs)).transform(ignored -> {
            Map<String, JsonObject> fetched = new TreeMap<>();
            for (int i = 0; i < names.size(); i++) {
                fetched.put(
                        names.get(i), docs.get(i).failed() ? null : docs.get(i).result());
            }
            return Future.succeededFuture(merge(table, fetched).toBuffer());
        });
    }

    /**
     * The public contract made of the services' own documents: each service's paths that the route table gives it,
     * all their schemas, and the API's info, server and bearer scheme. The build makes the committed contract with
     * this same function from the documents the services wrote when built.
     *
     * @param docs each service's document by its route-table name; null for a service that could not be asked
     */
    public static JsonObject merge(RouteTable table, Map<String, JsonObject> docs) {
        JsonObject paths = new JsonObject();
        JsonObject schemas = new JsonObject();
        JsonArray missing = new JsonArray();
        new TreeMap<>(docs).forEach((service, doc) -> {
            if (doc == null) {
                missing.add(service);
                return;
            }
            doc.getJsonObject("paths", new JsonObject()).forEach(e -> {
                if (table.serviceFor(e.getKey()).filter(service::equals).isPresent()) {
                    paths.put(e.getKey(), e.getValue());
                }
            });
            JsonObject components = doc.getJsonObject("components", new JsonObject());
            components.getJsonObject("schemas", new JsonObject()).forEach(e -> schemas.put(e.getKey(), e.getValue()));
        });
        JsonObject out = new JsonObject()
                .put("openapi", "3.0.3")
                .put(
                        "info",
                        new JsonObject()
                                .put("title", "CapyDB API")
                                .put("version", "v1")
                                .put(
                                        "description",
                                        "Backups, restores, imports, cutovers and webhooks of CapyDB projects. "
                                                + "Every call needs a bearer token; errors are application/problem+json.")
                                .put("license", new JsonObject().put("name", "Proprietary")))
                .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
                .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
                .put("paths", sorted(paths))
                .put(
                        "components",
                        new JsonObject()
                                .put("schemas", sorted(used(paths, schemas)))
                                .put(
                                        "securitySchemes",
                                        new JsonObject()
                                                .put(
                                                        "bearer",
                                                        new JsonObject()
                                                                .put("type", "http")
                                                                .put("scheme", "bearer")
                                                                .put("bearerFormat", "JWT"))));
        if (!missing.isEmpty()) {
            out.put("x-capydb-unavailable-services", missing);
        }
        return out;
    }

    private Future<JsonObject> fetch(String baseUrl) {
        URI uri = URI.create(baseUrl);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI("/q/openapi?format=json")
                .setTimeout(3_000);
        return client.request(options)
                .compose(req -> req.send())
                .compose(resp ->
                        resp.statusCode() == 200 ? resp.body() : Future.failedFuture("HTTP " + resp.statusCode()))
                .map(Buffer::toJsonObject);
    }

    /**
     * The schemas the public paths use, directly or through other schemas. A service's document also names the
     * schemas of its internal routes, and ones its filter inlined; a client generator would make types of them.
     */
    private static JsonObject used(JsonObject paths, JsonObject schemas) {
        Set<String> used = new HashSet<>();
        Deque<Object> todo = new ArrayDeque<>(List.of(paths));
        while (!todo.isEmpty()) {
            Object node = todo.pop();
            if (node instanceof JsonObject o) {
                if (o.getValue("$ref") instanceof String ref && ref.startsWith(SCHEMA_REF)) {
                    String name = ref.substring(SCHEMA_REF.length());
                    if (used.add(name)) {
                        pushContainer(todo, schemas.getValue(name));
                    }
                }
                o.forEach(e -> pushContainer(todo, e.getValue()));
            } else if (node instanceof JsonArray a) {
                a.forEach(v -> pushContainer(todo, v));
            }
        }
        JsonObject kept = new JsonObject();
        schemas.forEach(e -> {
            if (used.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        });
        return kept;
    }

    private static void pushContainer(Deque<Object> todo, Object value) {
        if (value instanceof JsonObject || value instanceof JsonArray) {
            todo.push(value);
        }
    }

    private static JsonObject sorted(JsonObject in) {
        return new JsonObject(new TreeMap<>(in.getMap()));
    }
}
