package dev.capydb.webhook.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.webhook.delivery.Dispatcher;
import dev.capydb.webhook.integration.EnvSync;
import dev.capydb.webhook.service.AuditTrail;
import dev.capydb.webhook.service.FanOut;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every domain's topic: each event is stored in the audit trail, fanned out to subscribed webhooks and, when it
 * replaced a project's data, queued for an env push, all in the inbox transaction, so a redelivered event changes
 * nothing and a crash before commit loses nothing.
 */
@ApplicationScoped
public class EventConsumers {

    private final Inbox inbox;
    private final AuditTrail audit;
    private final FanOut fanOut;
    private final EnvSync envSync;
    private final Dispatcher dispatcher;

    public EventConsumers(Inbox inbox, AuditTrail audit, FanOut fanOut, EnvSync envSync, Dispatcher dispatcher) {
        this.inbox = inbox;
        this.audit = audit;
        this.fanOut = fanOut;
        this.envSync = envSync;
        this.dispatcher = dispatcher;
    }

    /** Handles one event as consumer {@code consumer}; returns whether it was new. */
    public boolean handle(String consumer, String json) {
        AtomicInteger deliveries = new AtomicInteger();
        boolean ran = inbox.processReactive(consumer, json, e -> handleInTransaction(e, deliveries));
        wakeIfQueued(deliveries.get());
        return ran;
    }

    /**
     * Handles a poll's worth of events in one transaction (see {@link Inbox#processBatchReactive}); returns how many
     * were new.
     */
    public int handle(String consumer, Iterable<ConsumerRecord<String, String>> records) {
        AtomicInteger deliveries = new AtomicInteger();
        int fresh = inbox.processBatchReactive(consumer, records, e -> handleInTransaction(e, deliveries));
        wakeIfQueued(deliveries.get());
        return fresh;
    }

    /** Adds to {@code deliveries} how many webhook deliveries the event queued. */
    private Uni<Void> handleInTransaction(EventEnvelope e, AtomicInteger deliveries) {
        return audit.record(e)
                .chain(() -> envSync.enqueue(e))
                .chain(() -> fanOut.enqueue(e))
                .invoke(deliveries::addAndGet)
                .replaceWithVoid();
    }

    private void wakeIfQueued(int deliveries) {
        if (deliveries > 0) {
            dispatcher.wake();
        }
    }

    // Batches: a busy topic is handled a poll at a time in one transaction, not one commit per event.

    @Incoming("events-projects")
    @Blocking(ordered = true)
    public void projects(ConsumerRecords<String, String> records) {
        handle("webhook-projects", records);
    }

    @Incoming("events-backups")
    @Blocking(ordered = true)
    public void backups(ConsumerRecords<String, String> records) {
        handle("webhook-backups", records);
    }

    @Incoming("events-restores")
    @Blocking(ordered = true)
    public void restores(ConsumerRecords<String, String> records) {
        handle("webhook-restores", records);
    }

    @Incoming("events-imports")
    @Blocking(ordered = true)
    public void imports(ConsumerRecords<String, String> records) {
        handle("webhook-imports", records);
    }

    @Incoming("events-cutovers")
    @Blocking(ordered = true)
    public void cutovers(ConsumerRecords<String, String> records) {
        handle("webhook-cutovers", records);
    }

    @Incoming("events-webhooks")
    @Blocking(ordered = true)
    public void webhooks(ConsumerRecords<String, String> records) {
        handle("webhook-webhooks", records);
    }
}
