package dev.capydb.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A WireMock stand-in for project-service: answers every {@code /v1/} call with 200 (418 for a path ending in
 * {@code /teapot}), serves an OpenAPI document, and keeps every request for the tests to verify what reached it.
 * backup-service points at a closed port, i.e. is down.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    /** project-service, as the gateway reaches it. */
    static WireMockServer project;

    @Override
    public Map<String, String> start() {
        project = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        project.start();
        project.stubFor(get(urlPathEqualTo("/q/openapi"))
                .willReturn(okJson(new JsonObject()
                        .put("openapi", "3.1.0")
                        .put(
                                "paths",
                                new JsonObject()
                                        .put("/v1/projects", new JsonObject().put("get", answering("ProjectBody")))
                                        .put(
                                                "/internal/debug",
                                                new JsonObject().put("get", answering("InternalThing"))))
                        .put(
                                "components",
                                new JsonObject()
                                        .put(
                                                "schemas",
                                                new JsonObject()
                                                        .put("ProjectBody", new JsonObject().put("type", "object"))
                                                        .put("InternalThing", new JsonObject().put("type", "object"))))
                        .encode())));
        project.stubFor(any(urlPathMatching("/v1/.*")).willReturn(okJson("{\"served_by\":\"project\"}")));
        project.stubFor(
                any(urlPathMatching("/v1/.*/teapot")).willReturn(aResponse().withStatus(418)));
        return Map.of(
                "capydb.gateway.services.project",
                project.baseUrl(),
                "capydb.gateway.services.backup",
                "http://127.0.0.1:" + closedPort(),
                "capydb.gateway.rate-limit.requests-per-second",
                "1",
                "capydb.gateway.rate-limit.burst",
                "20");
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
        if (project != null) {
            project.stop();
        }
    }

    /** A GET operation whose 200 answer is the named schema. */
    private static JsonObject answering(String schema) {
        return new JsonObject()
                .put("summary", "list")
                .put(
                        "responses",
                        new JsonObject()
                                .put(
                                        "200",
                                        new JsonObject()
                                                .put("description", "OK")
                                                .put(
                                                        "content",
                                                        new JsonObject()
                                                                .put(
                                                                        "application/json",
                                                                        new JsonObject()
                                                                                .put(
                                                                                        "schema",
                                                                                        new JsonObject()
                                                                                                .put(
                                                                                                        "$ref",
                                                                                                        "#/components/schemas/"
                                                                                                                + schema))))));
    }
}
