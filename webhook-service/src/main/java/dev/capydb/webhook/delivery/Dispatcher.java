package dev.capydb.webhook.delivery;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.webhook.config.WebhookConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries: one loop thread claims them, Vert.x sends them without blocking a thread per request, and a
 * recorder thread records outcomes in groups. Each endpoint has its own bounded number of attempts in flight and
 * every attempt has a deadline, so a hanging endpoint only ever ties up its own slots. The target is re-vetted on every attempt and
 * the request goes to the address that was checked.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final int RECORD_GROUP = 256;

    private final DeliveryStore store;
    private final EgressGate gate;
    private final WebhookConfig config;
    private final Vertx vertx;
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private HttpClient http;
    private Context sender;
    private final BlockingQueue<DeliveryStore.Outcome> outcomes = new LinkedBlockingQueue<>();
    private Thread loop;
    private Thread recorder;

    public Dispatcher(DeliveryStore store, EgressGate gate, WebhookConfig config, Vertx vertx) {
        this.store = store;
        this.gate = gate;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ev) {
        if (!config.dispatcherEnabled()) {
            return;
        }
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
        running = true;
        loop = new Thread(this::run, "webhook-dispatcher");
        loop.setDaemon(true);
        loop.start();
        recorder = new Thread(this::recordOutcomes, "webhook-recorder");
        recorder.setDaemon(true);
        recorder.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        if (recorder != null) {
            try {
                recorder.join(5_000);   // what already finished is recorded; the rest is re-sent after its lease
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** New work exists (a delivery was enqueued or a slot freed): look now instead of at the next poll. */
    public void wake() {
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                int sent = dispatchDue();
                if (sent == 0) {
                    wake.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("webhook dispatcher: %s", e.getMessage());
                sleepQuietly(config.pollInterval().toMillis());
            }
        }
    }

    /** Claims what this replica has room for and starts sending it; returns how many attempts started. */
    int dispatchDue() {
        int room = config.maxInFlight() - total.get();
        if (room <= 0) {
            return 0;
        }
        int perEndpoint = config.perEndpointConcurrency();
        // Only this thread adds to the counts, so a snapshot can only overstate what is in flight.
        Map<UUID, Integer> busy = new HashMap<>();
        inFlight.forEach((endpoint, n) -> {
            if (n.get() > 0) {
                busy.put(endpoint, n.get());
            }
        });
        List<Attempt> claimed = store.claim(room, perEndpoint, busy);
        int started = 0;
        for (Attempt a : claimed) {
            AtomicInteger slots = inFlight.computeIfAbsent(a.webhookId(), k -> new AtomicInteger());
            if (slots.incrementAndGet() > perEndpoint) {
                slots.decrementAndGet();
                store.release(a);
                continue;
            }
            total.incrementAndGet();
            started++;
            send(a);
        }
        return started;
    }

    /**
     * Vets the target (a DNS lookup, so here on the dispatcher thread, never on the event loop), signs, then hands
     * the request to the sender context.
     */
    private void send(Attempt a) {
        long t0 = System.nanoTime();
        URI uri;
        EgressGate.Target target;
        try {
            uri = URI.create(a.url());
            target = gate.check(uri.getHost());
        } catch (EgressRefusedException e) {
            finish(a, AttemptResult.failure("refused: " + e.getMessage(), elapsedMs(t0)));
            return;
        } catch (IllegalArgumentException e) {
            finish(a, AttemptResult.failure("invalid URL: " + e.getMessage(), elapsedMs(t0)));
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
        sender.runOnContext(ignored -> request(a, options, t0));
    }

    /** On the sender context: the request, with one deadline of its own for the whole attempt. */
    private void request(Attempt a, RequestOptions options, long t0) {
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
                LOG.debugf("webhook attempt %d of %s hit the deadline (request %s)", a.attempt(), a.deliveryId(),
                        req == null ? "never got a connection" : "sent");
                finish(a, AttemptResult.failure("no response within the timeout of "
                        + config.requestTimeout().toSeconds() + " s", elapsedMs(t0)));
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
                        Optional<Duration> retryAfter = RetrySchedule.parseRetryAfter(resp.getHeader("retry-after"),
                                Instant.now());
                        String error = code >= 200 && code < 300 ? null : "HTTP " + code
                                + (code >= 300 && code < 400 ? " (redirects are not followed)" : "");
                        finish(a, new AttemptResult(Optional.of(code), retryAfter, error, ms));
                    } else {
                        finish(a, AttemptResult.failure(describe(ar.cause()), ms));
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

    /**
     * The endpoint's slot is free as soon as its request ended (the lease keeps the delivery from being claimed
     * again until it is recorded); the replica-wide count stays taken until the outcome is recorded, which bounds
     * the outcomes waiting for the recorder.
     */
    private void finish(Attempt a, AttemptResult result) {
        inFlight.get(a.webhookId()).decrementAndGet();
        outcomes.add(new DeliveryStore.Outcome(a, result, Instant.now()));
        wake();
    }

    /** Records finished attempts in groups: whatever finished while the previous group was being committed. */
    private void recordOutcomes() {
        List<DeliveryStore.Outcome> group = new ArrayList<>();
        while (running || !outcomes.isEmpty()) {
            try {
                DeliveryStore.Outcome first = outcomes.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                outcomes.drainTo(group, RECORD_GROUP - 1);
                store.recordAll(group);
            } catch (InterruptedException e) {
                if (!running) {
                    Thread.currentThread().interrupt();
                }
            } catch (RuntimeException e) {
                // The leases expire and the attempts are made again: at-least-once, same webhook-id.
                LOG.warnf("cannot record %d webhook attempts: %s", group.size(), e.getMessage());
            } finally {
                total.addAndGet(-group.size());
                if (!group.isEmpty()) {
                    wake();
                }
                group.clear();
            }
        }
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

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
