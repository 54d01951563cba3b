package dev.capydb.webhook;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for project-service's internal connection endpoint (only {@link ProjectServiceConnectionsTest} calls
 * it; the other tests replace the whole source with {@link TestConnections}) and keeps every bearer token it was
 * sent.
 */
public class ProjectServiceStub implements QuarkusTestResourceLifecycleManager {

    /** The project this stub knows nothing about: it answers 404 for it, as project-service does. */
    static final UUID MISSING = UUID.fromString("00000000-0000-0000-0000-000000000404");

    private static final Pattern PATH = Pattern.compile("/internal/projects/([0-9a-f-]{36})/connection");

    static final List<String> tokens = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/projects/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            int status;
            String body = "";
            if (auth == null || !auth.startsWith("Bearer ")) {
                status = 401;
            } else if (!"GET".equals(exchange.getRequestMethod()) || !m.matches()) {
                status = 404;
            } else {
                tokens.add(auth.substring("Bearer ".length()));
                UUID id = UUID.fromString(m.group(1));
                status = id.equals(MISSING) ? 404 : 200;
                body = status == 404 ? "{\"code\":\"not_found\"}" : """
                        {"project_id":"%s","database_url":"%s","database_url_unpooled":"%s"}"""
                        .formatted(id, TestConnections.pooled(id), TestConnections.unpooled(id));
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return Map.of("capydb.webhooks.project-service-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
