package dev.capydb.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback HTTP server standing in for the gateway, Keycloak or object storage: canned answers per
 * {@code METHOD path} (the last one repeats), and every request recorded.
 */
final class FakeServer implements AutoCloseable {

    /** One canned answer. */
    record Answer(int status, String contentType, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body);
        }

        static Answer problem(int status, String code, String detail) {
            return new Answer(status, "application/problem+json", "{\"status\":" + status + ",\"code\":\"" + code
                    + "\",\"detail\":\"" + detail + "\",\"title\":\"t\"}");
        }
    }

    /** One request as the server saw it. */
    record Seen(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private volatile Function<String, Answer> otherwise;
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String pq = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            seen.add(new Seen(ex.getRequestMethod(), pq, Map.copyOf(ex.getRequestHeaders()), body));
            Deque<Answer> q = answers.get(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath());
            Answer a;
            if ((q == null || q.isEmpty()) && otherwise != null) {
                a = otherwise.apply(ex.getRequestMethod());
            } else if (q == null || q.isEmpty()) {
                a = Answer.problem(404, "not_found", "no fake for " + ex.getRequestMethod() + " " + pq);
            } else {
                synchronized (q) {
                    a = q.size() > 1 ? q.poll() : q.peek();
                }
            }
            byte[] out = a.body() == null ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
            if (a.contentType() != null) {
                ex.getResponseHeaders().add("Content-Type", a.contentType());
            }
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
            ex.close();
        });
        server.start();
    }

    /** Answers in order; the last one repeats. */
    FakeServer on(String method, String path, Answer... in) {
        answers.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).addAll(List.of(in));
        return this;
    }

    /** The answer, by request method, to a request nothing was canned for (instead of a 404 problem). */
    FakeServer otherwise(Function<String, Answer> byMethod) {
        otherwise = byMethod;
        return this;
    }

    FakeServer json(String method, String path, int status, String body) {
        return on(method, path, Answer.json(status, body));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Seen> requests(String method, String pathPrefix) {
        return seen.stream().filter(s -> s.method().equals(method) && s.pathAndQuery().startsWith(pathPrefix)).toList();
    }

    /** Requests to exactly this path (any query). */
    List<Seen> exact(String method, String path) {
        return seen.stream().filter(s -> s.method().equals(method)
                && (s.pathAndQuery().equals(path) || s.pathAndQuery().startsWith(path + "?"))).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
