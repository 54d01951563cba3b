package dev.capydb.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The contract gate for clients that are not REST Assured (the CLI, the generated SDKs): a local HTTP proxy in front
 * of the gateway that passes every exchange through unchanged and checks each API call with {@link Contract}. A test
 * class registers it ({@code @RegisterExtension}), points its client at {@link #url()}, and a test whose calls broke
 * the contract fails after it with the operation and each violation.
 */
// Not WireMock: not a fake but a pass-through proxy in front of the real gateway, checking each exchange.
final class ContractProxy implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** Hop-by-hop headers and the ones the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host",
            "connection",
            "content-length",
            "expect",
            "upgrade",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "proxy-connection",
            // The check reads bodies as sent: ask for them uncompressed.
            "accept-encoding");

    private final String target;
    private final Violations violations = new Violations();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private HttpServer server;
    private ExecutorService threads;
    private int checked;

    private ContractProxy(String target) {
        this.target = target;
    }

    /** A proxy to the stack's gateway. */
    static ContractProxy toGateway() {
        return new ContractProxy(Stack.gateway());
    }

    /** Where clients under the gate send their calls. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many API calls were checked so far: a gate that saw nothing proves nothing. */
    synchronized int checked() {
        return checked;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        threads = Executors.newFixedThreadPool(8);
        server.setExecutor(threads);
        server.createContext("/", this::exchange);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        violations.assertNone();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop(0);
        threads.shutdownNow();
        if (checked() == 0 && context.getExecutionException().isEmpty()) {
            throw new AssertionError("no API call went through the contract gate: is the client pointed at url()?");
        }
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI uri = ex.getRequestURI();
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(
                            target + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .timeout(Duration.ofSeconds(120))
                    .method(
                            ex.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (Contract.describes(uri.getRawPath())) {
                check(ex, uri, body, answer);
            }
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            byte[] out = answer.body();
            boolean empty = out.length == 0 || ex.getRequestMethod().equals("HEAD") || answer.statusCode() == 204;
            ex.sendResponseHeaders(answer.statusCode(), empty ? -1 : out.length);
            if (!empty) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    private void check(HttpExchange ex, URI uri, byte[] body, HttpResponse<byte[]> answer) {
        var found = Contract.get()
                .check(new Contract.Exchange(
                        ex.getRequestMethod(),
                        uri,
                        ex.getRequestHeaders(),
                        body,
                        answer.statusCode(),
                        answer.headers().map(),
                        answer.body()));
        synchronized (this) {
            checked++;
        }
        found.ifPresent(violations::add);
    }
}
