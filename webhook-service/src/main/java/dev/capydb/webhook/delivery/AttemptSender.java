package dev.capydb.webhook.delivery;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.webhook.config.WebhookConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** Makes one signed delivery attempt: vets the target, sends to the checked address, bounds its time and answer. */
@ApplicationScoped
public class AttemptSender {

    private static final Logger LOG = Logger.getLogger(AttemptSender.class);

    private final EgressGate gate;
    private final WebhookConfig config;
    private final Vertx vertx;
    private HttpClient http;
    private Context sender;

    public AttemptSender(EgressGate gate, WebhookConfig config, Vertx vertx) {
        this.gate = gate;
        this.config = config;
        this.vertx = vertx;
    }

    /** Creates the HTTP client and the one event-loop context all requests are made on (at the dispatcher's start). */
    void open() {
        int timeoutMs = (int) config.requestTimeout().toMillis();
        // All requests are made on one event-loop context: issued from the dispatcher thread instead, a few of them
        // were occasionally never answered under load (the client's timeouts did not fire either).
        sender = vertx.getOrCreateContext();
        http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeoutMs)
                .setForceSni(true)
                .setVerifyHost(true)
                .setKeepAlive(true)
                // Vert.x pools connections per server address, not per webhook endpoint: sized per endpoint, two
                // endpoints on one host (one hanging) shared its slots and the fast one queued behind the hanging
                // one. The dispatcher already bounds each endpoint and the replica; the pool must never be tighter.
                .setMaxPoolSize(config.maxInFlight())
                .setMaxRedirects(0));
    }

    /**
     * Vets the target (a DNS lookup, so here on the dispatcher thread, never on the event loop), signs, then hands
     * the request to the sender context; {@code onResult} gets the attempt's result exactly once.
     */
    public void send(Attempt a, Consumer<AttemptResult> onResult) {
        long t0 = System.nanoTime();
        URI uri;
        EgressGate.Target target;
        try {
            uri = URI.create(a.url());
            target = gate.check(uri.getHost());
        } catch (EgressRefusedException e) {
            onResult.accept(AttemptResult.failure("refused: " + e.getMessage(), elapsedMs(t0)));
            return;
        } catch (IllegalArgumentException e) {
            onResult.accept(AttemptResult.failure("invalid URL: " + e.getMessage(), elapsedMs(t0)));
            return;
        }
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() != -1 ? uri.getPort() : (tls ? 443 : 80);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        long timestamp = Instant.now().getEpochSecond();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(uri.getHost())
                .setPort(port)
                .setSsl(tls)
                .setURI(path)
                .setServer(SocketAddress.inetSocketAddress(port, target.addressLiteral()))
                .setFollowRedirects(false)
                .setConnectTimeout(config.requestTimeout().toMillis())
                .setIdleTimeout(config.requestTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "CapyDB-Webhooks/1.0")
                .putHeader("webhook-id", a.messageId())
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", Signer.header(a.secrets(), a.messageId(), timestamp, a.body()));
        sender.runOnContext(ignored -> request(a, options, t0, onResult));
    }

    /** On the sender context: the request, with one deadline of its own for the whole attempt. */
    private void request(Attempt a, RequestOptions options, long t0, Consumer<AttemptResult> onResult) {
        // Vert.x's timeouts cover connecting and silences, but an attempt whose future never completes (seen under
        // load when requests were issued from the dispatcher thread) would hold its endpoint's slot for ever; this
        // watchdog frees the slot, resets the request and records the attempt as timed out.
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        long watchdog = vertx.setTimer(config.requestTimeout().toMillis(), id -> {
            if (done.compareAndSet(false, true)) {
                HttpClientRequest req = request.get();
                if (req != null) {
                    req.reset();
                }
                LOG.debugf(
                        "webhook attempt %d of %s hit the deadline (request %s)",
                        a.attempt(), a.deliveryId(), req == null ? "never got a connection" : "sent");
                onResult.accept(AttemptResult.failure(
                        "no response within the timeout of "
                                + config.requestTimeout().toSeconds() + " s",
                        elapsedMs(t0)));
            }
        });
        http.request(options)
                .compose(req -> {
                    request.set(req);
                    return req.send(a.body());
                })
                .compose(this::readBounded)
                .onComplete(ar -> {
                    if (!done.compareAndSet(false, true)) {
                        return;
                    }
                    vertx.cancelTimer(watchdog);
                    long ms = elapsedMs(t0);
                    if (ar.succeeded()) {
                        HttpClientResponse resp = ar.result();
                        int code = resp.statusCode();
                        Optional<Duration> retryAfter =
                                RetrySchedule.parseRetryAfter(resp.getHeader("retry-after"), Instant.now());
                        String error = code >= 200 && code < 300
                                ? null
                                : "HTTP " + code + (code >= 300 && code < 400 ? " (redirects are not followed)" : "");
                        onResult.accept(new AttemptResult(Optional.of(code), retryAfter, error, ms));
                    } else {
                        onResult.accept(AttemptResult.failure(describe(ar.cause()), ms));
                    }
                });
    }

    /**
     * Reads the answer's body up to {@code max-response-bytes} and drops it: the outcome is the status. Past the bound
     * the connection is reset, so a hostile endpoint cannot make this replica buffer what it streams.
     */
    private Future<HttpClientResponse> readBounded(HttpClientResponse resp) {
        Promise<HttpClientResponse> read = Promise.promise();
        AtomicLong bytes = new AtomicLong();
        resp.handler(chunk -> {
            if (bytes.addAndGet(chunk.length()) > config.maxResponseBytes() && read.tryComplete(resp)) {
                resp.handler(null);
                resp.request().reset();
            }
        });
        resp.exceptionHandler(read::tryFail);
        resp.endHandler(ignored -> read.tryComplete(resp));
        return read.future();
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        if (t instanceof TimeoutException || msg.contains("timeout")) {
            return "no response within the timeout: " + msg;
        }
        return "request failed: " + msg;
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
