package dev.capydb.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A WireMock server standing in for the gateway, Keycloak or object storage: canned answers per
 * {@code METHOD path} (in order, the last one repeats; a WireMock scenario), and every request kept in its journal.
 */
final class FakeServer implements AutoCloseable {

    /** One canned answer. */
    record Answer(int status, String contentType, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body);
        }

        static Answer problem(int status, String code, String detail) {
            return new Answer(
                    status,
                    "application/problem+json",
                    "{\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"" + detail
                            + "\",\"title\":\"t\"}");
        }
    }

    /** One request as the server saw it. */
    record Seen(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    /** Canned answers first, then {@link #otherwise}, then the 404 problem. */
    private static final int CANNED = 1;

    private static final int OTHERWISE = 5;
    private static final int NOTHING_CANNED = 10;

    private final WireMockServer server;
    private final Map<String, List<Answer>> answers = new LinkedHashMap<>();
    private final Map<String, List<StubMapping>> stubs = new LinkedHashMap<>();

    FakeServer() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(any(anyUrl())
                .atPriority(NOTHING_CANNED)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"not_found\",\"detail\":\"no fake for {{request.method}} "
                                + "{{request.url}}\",\"title\":\"t\"}")
                        .withTransformers("response-template")));
    }

    /** Answers in order; the last one repeats. */
    synchronized FakeServer on(String method, String path, Answer... in) {
        String key = method + " " + path;
        List<Answer> all = answers.computeIfAbsent(key, k -> new ArrayList<>());
        all.addAll(List.of(in));
        stubs.getOrDefault(key, List.of()).forEach(server::removeStub);
        List<StubMapping> made = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            MappingBuilder stub = request(method, urlPathEqualTo(path)).atPriority(CANNED);
            if (all.size() > 1) {
                ScenarioMappingBuilder step =
                        stub.inScenario(key).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i);
                stub = i < all.size() - 1 ? step.willSetStateTo("answer " + (i + 1)) : step;
            }
            made.add(server.stubFor(stub.willReturn(response(all.get(i)))));
        }
        stubs.put(key, made);
        return this;
    }

    /** The answer, by request method, to a request nothing was canned for (instead of a 404 problem). */
    FakeServer otherwise(Function<String, Answer> byMethod) {
        for (String method : METHODS) {
            server.stubFor(
                    request(method, anyUrl()).atPriority(OTHERWISE).willReturn(response(byMethod.apply(method))));
        }
        return this;
    }

    FakeServer json(String method, String path, int status, String body) {
        return on(method, path, Answer.json(status, body));
    }

    private static ResponseDefinitionBuilder response(Answer a) {
        ResponseDefinitionBuilder r = aResponse().withStatus(a.status());
        if (a.contentType() != null) {
            r = r.withHeader("Content-Type", a.contentType());
        }
        return a.body() == null ? r : r.withBody(a.body());
    }

    String url() {
        return server.baseUrl();
    }

    /** Every request so far, oldest first (WireMock's journal lists the newest first). */
    List<Seen> seen() {
        List<Seen> all = new ArrayList<>();
        for (ServeEvent e : server.getAllServeEvents()) {
            LoggedRequest r = e.getRequest();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpHeader h : r.getHeaders().all()) {
                headers.put(h.key(), h.values());
            }
            all.add(0, new Seen(r.getMethod().getName(), r.getUrl(), headers, r.getBody()));
        }
        return all;
    }

    List<Seen> requests(String method, String pathPrefix) {
        return seen().stream()
                .filter(s -> s.method().equals(method) && s.pathAndQuery().startsWith(pathPrefix))
                .toList();
    }

    /** Requests to exactly this path (any query). */
    List<Seen> exact(String method, String path) {
        return seen().stream()
                .filter(s -> s.method().equals(method)
                        && (s.pathAndQuery().equals(path) || s.pathAndQuery().startsWith(path + "?")))
                .toList();
    }

    @Override
    public void close() {
        server.stop();
    }
}
