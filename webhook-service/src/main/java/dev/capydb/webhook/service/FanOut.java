package dev.capydb.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.webhook.delivery.RetrySchedule;
import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.Statements;
import dev.capydb.webhook.repository.Webhook;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Turns a public event into one persisted delivery per subscribed active endpoint of its project. */
@ApplicationScoped
public class FanOut {

    private final RetrySchedule schedule;

    public FanOut(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    /** In the caller's transaction; returns how many deliveries were created (0 for a duplicate event). */
    public Uni<Integer> enqueue(EventEnvelope e) {
        if (e.projectId() == null || e.eventType().filter(EventType::isPublic).isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Webhook.<Webhook>list("projectId = ?1 and status = ?2", e.projectId(), Webhook.ACTIVE)
                .chain(hooks -> {
                    // One statement at a time: a session runs one query at once.
                    Uni<Integer> created = Uni.createFrom().item(0);
                    for (Webhook w : hooks) {
                        if (w.subscribes(e.type()) && !aboutItself(w, e)) {
                            created = created.chain(n -> insert(
                                            w, e.id().toString(), e.type(), body(e.type(), e.time(), withProject(e)))
                                    .map(m -> n + m));
                        }
                    }
                    return created;
                });
    }

    /** An endpoint is not told about its own exhausted deliveries: it is the one failing, and it would loop. */
    private static boolean aboutItself(Webhook w, EventEnvelope e) {
        return EventType.WEBHOOK_DELIVERY_EXHAUSTED.wireName().equals(e.type())
                && e.data() != null
                && w.id.toString().equals(e.data().path("webhook_id").asText());
    }

    /** A {@code webhook.test} delivery to one endpoint, whatever it subscribes to. */
    public Uni<Delivery> enqueueTest(Webhook w) {
        UUID eventId = UUID.randomUUID();
        ObjectNode data = EventJson.mapper().createObjectNode();
        data.put("webhook_id", w.id.toString());
        data.put("project_id", w.projectId.toString());
        data.put("message", "This is a test event from CapyDB.");
        return insert(w, eventId.toString(), "webhook.test", body("webhook.test", Instant.now(), data))
                .chain(() -> Delivery.<Delivery>find("webhookId = ?1 and eventId = ?2", w.id, eventId.toString())
                        .firstResult());
    }

    /** The Standard Webhooks payload: {@code {type, timestamp, data}}. */
    static String body(String type, Instant time, JsonNode data) {
        ObjectNode body = EventJson.mapper().createObjectNode();
        body.put("type", type);
        body.put("timestamp", time.truncatedTo(ChronoUnit.MILLIS).toString());
        body.set("data", data);
        return Json.write(body);
    }

    /** Job events do not name the project in their data; receivers need it, so it is added from the envelope. */
    private static JsonNode withProject(EventEnvelope e) {
        JsonNode data = AuditTrail.scrub(e.data());
        if (data instanceof ObjectNode obj && !obj.has("project_id")) {
            obj.put("project_id", e.projectId().toString());
        }
        return data;
    }

    private Uni<Integer> insert(Webhook w, String eventId, String type, String body) {
        Instant now = Instant.now();
        return Statements.execute(
                "INSERT INTO webhook_delivery (id, webhook_id, project_id, event_id, event_type, message_id, body,"
                        + " status, attempts, next_attempt_at, created_at)"
                        + " VALUES (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, 0, :p9, :p10)"
                        + " ON CONFLICT (webhook_id, event_id) DO NOTHING",
                UUID.randomUUID(),
                w.id,
                w.projectId,
                eventId,
                type,
                "msg_" + eventId.replace("-", ""),
                body,
                DeliveryStatus.PENDING.wire(),
                schedule.first(now),
                now);
    }
}
