package dev.capydb.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.capydb.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/** A local HTTP endpoint that records every request and answers as each path is told to (200 by default). */
// Not WireMock: a customer's webhook receiver, on the wire: slow, hanging and endless answers test the sender's
// timeouts and bounded reads.
public final class Receiver implements AutoCloseable {

    /** One received request. */
    public record Request(
            String method, String path, String query, Map<String, String> headers, String body, Instant at) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What to answer: status, extra headers, delay before answering. */
    public record Answer(int status, Map<String, String> headers, Duration delay, String body, boolean endless) {
        public Answer(int status, Map<String, String> headers, Duration delay, String body) {
            this(status, headers, delay, body, false);
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of(), Duration.ZERO, "");
        }

        /** {@code status}, then a body that never ends (until the client hangs up). */
        public static Answer endless(int status) {
            return new Answer(status, Map.of(), Duration.ZERO, "", true);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong streamed = new AtomicLong();
    private final Map<String, Function<Request, Answer>> answers = new ConcurrentHashMap<>();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Request r = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(),
                    headers,
                    body,
                    Instant.now());
            requests.add(r);
            Answer a = answers.getOrDefault(r.path(), x -> Answer.status(200)).apply(r);
            try {
                // Not a wait: a slow or hanging endpoint is the scenario, told by the test through its answer.
                Thread.sleep(a.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            if (a.endless()) {
                streamForever(exchange, a.status());
                return;
            }
            try {
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException clientGone) {
                // The sender timed out and closed the connection: nothing to answer.
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private void streamForever(HttpExchange exchange, int status) {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (exchange;
                OutputStream os = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(status, 0);
            while (true) {
                os.write(chunk);
                streamed.addAndGet(chunk.length);
            }
        } catch (IOException clientGone) {
            // The client dropped the connection: what a bounded reader should do.
        }
    }

    /** Bytes written by endless answers so far. */
    public long streamed() {
        return streamed.get();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void answer(String path, Function<Request, Answer> answer) {
        answers.put(path, answer);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until {@code count} requests to {@code path} matching {@code wanted} arrived. */
    public List<Request> await(String path, Predicate<Request> wanted, int count, Duration timeout) {
        return Waits.until(
                timeout,
                count + " requests to " + path,
                () -> new ArrayList<>(requests(path).stream().filter(wanted).toList()),
                got -> got.size() >= count);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
