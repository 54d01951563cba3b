package dev.capydb.chassis.outbox;

import dev.capydb.chassis.consistency.ConsistencyConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The writer's half of read-your-writes: a transaction that wrote outbox events does not return to its caller
 * until they are in Kafka (or the relay cannot reach Kafka), so whatever the caller answers next — a 2xx, a job shown
 * as completed — is readable by every other service. Each transaction's event ids are collected as it writes them
 * and published right after it commits, on a thread outside it (the committed transaction's own thread still holds
 * it while completion callbacks run). What was published is kept for the thread, for a writer that must also wait
 * for the consumers ({@code ConsumerBarrier}).
 */
@ApplicationScoped
public class PublishOnCommit {

    private static final Logger LOG = Logger.getLogger(PublishOnCommit.class);
    private static final Object IDS = new Object();
    private static final ThreadLocal<List<PublishedEvent>> LAST = ThreadLocal.withInitial(List::of);

    private final TransactionSynchronizationRegistry registry;
    private final PromptPublisher prompt;
    private final ConsistencyConfig config;
    private final ExecutorService publisher = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capydb-publish-on-commit");
        t.setDaemon(true);
        return t;
    });

    public PublishOnCommit(
            TransactionSynchronizationRegistry registry, PromptPublisher prompt, ConsistencyConfig config) {
        this.registry = registry;
        this.prompt = prompt;
        this.config = config;
    }

    /** Called by the outbox for each event it writes, inside the writing transaction. */
    @SuppressWarnings("unchecked")
    void written(UUID eventId) {
        List<UUID> ids = (List<UUID>) registry.getResource(IDS);
        if (ids == null) {
            LAST.set(List.of());
            ids = new ArrayList<>();
            registry.putResource(IDS, ids);
            List<UUID> mine = ids;
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {}

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        LAST.set(publish(List.copyOf(mine)));
                    }
                }
            });
        }
        ids.add(eventId);
    }

    /**
     * Publishes events whose transaction committed, bounded by {@code capydb.consistency.publish-timeout}; what could
     * not go out now the relay publishes later. Blocking: JTA's completion callback and {@link ReactiveTransactions}
     * (from its worker pool) call it.
     */
    List<PublishedEvent> publish(List<UUID> ids) {
        try {
            // Bounded here too: a pass that blocks on an unreachable broker goes on in the background.
            return publisher
                    .submit(() -> prompt.publishNow(ids, config.publishTimeout()))
                    .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf(
                    "outbox: events %s committed but not published at once (the relay will): %s", ids, e.getMessage());
            return List.of();
        }
    }

    /** The events this thread's last committed transaction published (empty if none, or not yet in Kafka). */
    public static List<PublishedEvent> lastPublished() {
        return LAST.get();
    }

    @PreDestroy
    void close() {
        publisher.shutdownNow();
    }
}
