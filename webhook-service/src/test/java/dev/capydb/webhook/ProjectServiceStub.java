package dev.capydb.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A WireMock stand-in for project-service's internal connection endpoint (only {@link ProjectServiceConnectionsTest}
 * calls it; the other tests replace the whole source with {@link TestConnections}): it knows the projects a test
 * tells it of ({@link #knows}), answers 404 for others and 401 without a bearer token, as project-service does, and
 * keeps every request, so the tokens it was sent can be read back.
 */
public class ProjectServiceStub implements QuarkusTestResourceLifecycleManager {

    /** The project this stub knows nothing about: it answers 404 for it, as project-service does. */
    static final UUID MISSING = UUID.fromString("00000000-0000-0000-0000-000000000404");

    private static final String PATH = "/internal/projects/[0-9a-f-]{36}/connection";
    private static final String BEARER = "Bearer .+";

    private static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(any(urlPathMatching("/internal/.*"))
                .atPriority(10)
                .willReturn(aResponse().withStatus(401)));
        server.stubFor(any(urlPathMatching("/internal/.*"))
                .withHeader("Authorization", matching(BEARER))
                .atPriority(9)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"not_found\"}")));
        return Map.of("capydb.webhooks.project-service-url", server.baseUrl());
    }

    /** Project-service knows {@code id} and answers its connection strings ({@link TestConnections}'). */
    static UUID knows(UUID id) {
        server.stubFor(get(urlPathEqualTo("/internal/projects/" + id + "/connection"))
                .withHeader("Authorization", matching(BEARER))
                .atPriority(1)
                .willReturn(okJson("""
                        {"project_id":"%s","database_url":"%s","database_url_unpooled":"%s"}""".formatted(id, TestConnections.pooled(id), TestConnections.unpooled(id)))));
        return id;
    }

    /** The bearer tokens of the connection requests so far, oldest first. */
    static List<String> tokens() {
        List<LoggedRequest> seen = new ArrayList<>(
                server.findAll(getRequestedFor(urlPathMatching(PATH)).withHeader("Authorization", matching(BEARER))));
        seen.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return seen.stream()
                .map(r -> r.getHeader("Authorization").substring("Bearer ".length()))
                .toList();
    }

    @Override
    public void stop() {
        server.stop();
    }
}
