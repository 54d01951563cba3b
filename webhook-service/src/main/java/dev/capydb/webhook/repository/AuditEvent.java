package dev.capydb.webhook.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One stored lifecycle event of a project (data without secrets). */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

    @Id
    public UUID eventId;

    public UUID projectId;
    public String orgId;
    public String type;
    public String source;
    public Instant time;
    public String actor;
    public String correlationId;
    public String data;
}
