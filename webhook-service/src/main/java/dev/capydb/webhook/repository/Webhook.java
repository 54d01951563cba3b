package dev.capydb.webhook.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A project's webhook endpoint: where to POST, which event types, and its sealed signing secret(s). */
@Entity
@Table(name = "webhook")
public class Webhook extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    /** The signing secret, sealed for its row. */
    public static final SealedColumn SECRET = new SealedColumn("webhook", "id", "secret_sealed");
    /** The secret before the last rotation, sealed for its row and this column (moved here, it is sealed again). */
    public static final SealedColumn PREVIOUS_SECRET = new SealedColumn("webhook", "id", "previous_secret_sealed");

    @Id
    public UUID id;

    public UUID projectId;
    public String orgId;
    public String url;
    public String description;
    public String eventTypes;
    public String status;
    public String disabledReason;
    public String secretSealed;
    public String previousSecretSealed;
    public Instant previousSecretExpiresAt;
    public Instant createdAt;
    public Instant updatedAt;

    public List<String> eventTypeList() {
        return Arrays.stream(eventTypes.split(",")).filter(s -> !s.isEmpty()).toList();
    }

    public boolean subscribes(String type) {
        return eventTypeList().contains(type);
    }
}
