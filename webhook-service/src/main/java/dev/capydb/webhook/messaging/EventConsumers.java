package dev.capydb.webhook.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.webhook.delivery.Dispatcher;
import dev.capydb.webhook.integration.EnvSync;
import dev.capydb.webhook.service.AuditTrail;
import dev.capydb.webhook.service.FanOut;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
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
        int[] deliveries = {0};
        boolean ran = inbox.process(consumer, json, e -> {
            audit.record(e);
            deliveries[0] = fanOut.enqueue(e);
            envSync.enqueue(e);
        });
        if (deliveries[0] > 0) {
            dispatcher.wake();
        }
        return ran;
    }

    @Incoming("events-projects")
    @Blocking(ordered = true)
    public void projects(String json) {
        handle("webhook-projects", json);
    }

    @Incoming("events-backups")
    @Blocking(ordered = true)
    public void backups(String json) {
        handle("webhook-backups", json);
    }

    @Incoming("events-restores")
    @Blocking(ordered = true)
    public void restores(String json) {
        handle("webhook-restores", json);
    }

    @Incoming("events-imports")
    @Blocking(ordered = true)
    public void imports(String json) {
        handle("webhook-imports", json);
    }

    @Incoming("events-cutovers")
    @Blocking(ordered = true)
    public void cutovers(String json) {
        handle("webhook-cutovers", json);
    }

    @Incoming("events-webhooks")
    @Blocking(ordered = true)
    public void webhooks(String json) {
        handle("webhook-webhooks", json);
    }
}
