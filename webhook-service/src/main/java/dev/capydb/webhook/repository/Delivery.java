package dev.capydb.webhook.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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
    @Column(name = "webhook_id")
    public UUID webhookId;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "event_type")
    public String eventType;
    @Column(name = "message_id")
    public String messageId;
    public String body;
    public String status;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "leased_until")
    public Instant leasedUntil;
    @Column(name = "last_status_code")
    public Integer lastStatusCode;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;
    @Column(name = "delivered_at")
    public Instant deliveredAt;
    @Column(name = "created_at")
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
