package dev.capydb.webhook.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One event on its way to one endpoint: the fixed body, the stable message id, and the attempts so far. */
@Entity
@Table(name = "webhook_delivery")
public class Delivery extends PanacheEntityBase {

    @Id
    public UUID id;

    public UUID webhookId;
    public UUID projectId;
    public String eventId;
    public String eventType;
    public String messageId;
    public String body;
    public String status;
    public int attempts;
    public Instant nextAttemptAt;
    public Instant leasedUntil;
    public Integer lastStatusCode;
    public String lastError;
    public Instant lastAttemptAt;
    public Instant deliveredAt;
    public Instant createdAt;

    public DeliveryStatus state() {
        return DeliveryStatus.of(status);
    }

    /** Moves to {@code target}, refusing a transition the state machine does not have. */
    public void become(DeliveryStatus target) {
        if (!state().canBecome(target)) {
            throw new IllegalStateException("delivery " + id + " cannot go from " + status + " to " + target.wire());
        }
        status = target.wire();
    }
}
