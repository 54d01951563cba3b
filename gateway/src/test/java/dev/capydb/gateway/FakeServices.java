package dev.capydb.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for project-service: echoes what reached it (method, path, headers, body digest) and serves an
 * OpenAPI document. backup-service points at a closed port, i.e. is down.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/q/openapi")) {
                req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("openapi", "3.1.0")
                        .put("paths", new JsonObject()
                                .put("/v1/projects", new JsonObject().put("get", answering("ProjectBody")))
                                .put("/internal/debug", new JsonObject().put("get", answering("InternalThing"))))
                        .put("components", new JsonObject().put("schemas", new JsonObject()
                                .put("ProjectBody", new JsonObject().put("type", "object"))
                                .put("InternalThing", new JsonObject().put("type", "object"))))
                        .encode());
                return;
            }
            req.body().onSuccess(body -> {
                String sha;
                try {
                    sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                req.response().setStatusCode(req.path().endsWith("/teapot") ? 418 : 200)
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject()
                                .put("method", req.method().name())
                                .put("uri", req.uri())
                                .put("authorization", req.getHeader("Authorization"))
                                .put("request_id", req.getHeader("X-Request-Id"))
                                .put("body_bytes", body.length())
                                .put("body_sha256", sha)
                                .encode());
            });
        });
        int port;
        try {
            port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "capydb.gateway.services.project", "http://127.0.0.1:" + port,
                "capydb.gateway.services.backup", "http://127.0.0.1:" + closedPort(),
                "capydb.gateway.rate-limit.requests-per-second", "1",
                "capydb.gateway.rate-limit.burst", "20");
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /** A GET operation whose 200 answer is the named schema. */
    private static JsonObject answering(String schema) {
        return new JsonObject().put("summary", "list").put("responses", new JsonObject().put("200", new JsonObject()
                .put("description", "OK").put("content", new JsonObject().put("application/json", new JsonObject()
                        .put("schema", new JsonObject().put("$ref", "#/components/schemas/" + schema))))));
    }
}
