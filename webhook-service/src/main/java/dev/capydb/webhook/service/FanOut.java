package dev.capydb.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.webhook.delivery.RetrySchedule;
import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.Webhook;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Turns a public event into one persisted delivery per subscribed active endpoint of its project. */
@ApplicationScoped
public class FanOut {

    private final RetrySchedule schedule;

    public FanOut(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    /** In the caller's transaction; returns how many deliveries were created (0 for a duplicate event). */
    public int enqueue(EventEnvelope e) {
        if (e.projectId() == null || e.eventType().filter(EventType::isPublic).isEmpty()) {
            return 0;
        }
        List<Webhook> hooks = Webhook.list("projectId = ?1 and status = ?2", e.projectId(), Webhook.ACTIVE);
        int created = 0;
        for (Webhook w : hooks) {
            if (w.subscribes(e.type()) && !aboutItself(w, e)) {
                created += insert(w, e.id().toString(), e.type(), body(e.type(), e.time(), withProject(e)));
            }
        }
        return created;
    }

    /** An endpoint is not told about its own exhausted deliveries: it is the one failing, and it would loop. */
    private static boolean aboutItself(Webhook w, EventEnvelope e) {
        return EventType.WEBHOOK_DELIVERY_EXHAUSTED.wireName().equals(e.type())
                && e.data() != null
                && w.id.toString().equals(e.data().path("webhook_id").asText());
    }

    /** A {@code webhook.test} delivery to one endpoint, whatever it subscribes to. */
    public Delivery enqueueTest(Webhook w) {
        UUID eventId = UUID.randomUUID();
        ObjectNode data = EventJson.mapper().createObjectNode();
        data.put("webhook_id", w.id.toString());
        data.put("project_id", w.projectId.toString());
        data.put("message", "This is a test event from CapyDB.");
        insert(w, eventId.toString(), "webhook.test", body("webhook.test", Instant.now(), data));
        return Delivery.find("webhookId = ?1 and eventId = ?2", w.id, eventId.toString())
                .firstResult();
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

    private int insert(Webhook w, String eventId, String type, String body) {
        Instant now = Instant.now();
        return Panache.getEntityManager()
                .createNativeQuery(
                        "INSERT INTO webhook_delivery (id, webhook_id, project_id,"
                                + " event_id, event_type, message_id, body, status, attempts, next_attempt_at, created_at)"
                                + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10) ON CONFLICT (webhook_id, event_id) DO NOTHING")
                .setParameter(1, UUID.randomUUID())
                .setParameter(2, w.id)
                .setParameter(3, w.projectId)
                .setParameter(4, eventId)
                .setParameter(5, type)
                .setParameter(6, "msg_" + eventId.replace("-", ""))
                .setParameter(7, body)
                .setParameter(8, DeliveryStatus.PENDING.wire())
                .setParameter(9, schedule.first(now))
                .setParameter(10, now)
                .executeUpdate();
    }
}
