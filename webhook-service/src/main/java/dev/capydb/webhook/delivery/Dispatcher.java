package dev.capydb.webhook.delivery;

import dev.capydb.webhook.config.WebhookConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries: one loop thread claims them, {@link AttemptSender} sends them without blocking a thread per
 * request, and a recorder thread records outcomes in groups. Each endpoint has its own bounded number of attempts in
 * flight and every attempt has a deadline, so a hanging endpoint only ever ties up its own slots.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final int RECORD_GROUP = 256;

    private final DeliveryStore store;
    private final AttemptSender sender;
    private final WebhookConfig config;
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private final BlockingQueue<DeliveryStore.Outcome> outcomes = new LinkedBlockingQueue<>();
    private Thread loop;
    private Thread recorder;

    public Dispatcher(DeliveryStore store, AttemptSender sender, WebhookConfig config) {
        this.store = store;
        this.sender = sender;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        if (!config.dispatcherEnabled()) {
            return;
        }
        sender.open();
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
                recorder.join(5_000); // what already finished is recorded; the rest is re-sent after its lease
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
            sender.send(a, result -> finish(a, result));
        }
        return started;
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

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
