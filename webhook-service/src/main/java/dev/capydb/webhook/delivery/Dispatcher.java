package dev.capydb.webhook.delivery;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.webhook.config.WebhookConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries: one loop thread claims them, Vert.x sends them without blocking a thread per request, and a
 * small pool records outcomes. Each endpoint has its own bounded number of attempts in flight and every request has
 * a timeout, so a hanging endpoint only ever ties up its own slots. The target is re-vetted on every attempt and
 * the request goes to the address that was checked.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final EgressGate gate;
    private final WebhookConfig config;
    private final Vertx vertx;
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private HttpClient http;
    private ExecutorService recorders;
    private Thread loop;

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
        http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeoutMs)
                .setForceSni(true)
                .setVerifyHost(true)
                .setKeepAlive(true)
                .setMaxPoolSize(config.perEndpointConcurrency())
                .setMaxRedirects(0));
        recorders = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "webhook-recorder");
            t.setDaemon(true);
            return t;
        });
        running = true;
        loop = new Thread(this::run, "webhook-dispatcher");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        if (recorders != null) {
            recorders.shutdown();
            try {
                recorders.awaitTermination(5, TimeUnit.SECONDS);
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
        Set<UUID> full = inFlight.entrySet().stream().filter(e -> e.getValue().get() >= perEndpoint)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        List<Attempt> claimed = store.claim(room, perEndpoint, full);
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
                .setTimeout(config.requestTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "CapyDB-Webhooks/1.0")
                .putHeader("webhook-id", a.messageId())
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", Signer.header(a.secrets(), a.messageId(), timestamp, a.body()));
        http.request(options)
                .compose(req -> req.send(a.body()))
                .compose(resp -> resp.body().map(ignored -> resp))
                .onComplete(ar -> {
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

    private void finish(Attempt a, AttemptResult result) {
        recorders.execute(() -> {
            try {
                store.record(a, result, Instant.now());
            } catch (RuntimeException e) {
                // The lease expires and the attempt is retried: at-least-once, same webhook-id.
                LOG.warnf("cannot record webhook attempt %d of %s: %s", a.attempt(), a.deliveryId(), e.getMessage());
            } finally {
                inFlight.get(a.webhookId()).decrementAndGet();
                total.decrementAndGet();
                wake();
            }
        });
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        if (t instanceof java.util.concurrent.TimeoutException || msg.contains("timeout")) {
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
