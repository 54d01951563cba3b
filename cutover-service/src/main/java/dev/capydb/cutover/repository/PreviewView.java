package dev.capydb.cutover.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A preview as restore-service last announced it: the read model requests and executions are checked against. */
@Entity
@Table(name = "preview_view")
public class PreviewView extends PanacheEntityBase {

    @Id
    public UUID previewId;

    public UUID projectId;
    public String name;
    /** Wire status from the event: ready, expired, deleted. */
    public String status;

    public Instant expiresAt;
    /** Time of the event this row reflects; older events never overwrite it. */
    public Instant eventTime;

    /** Usable for a cutover at {@code now}: ready and not past its expiry. */
    public boolean usableAt(Instant now) {
        return "ready".equals(status) && expiresAt.isAfter(now);
    }
}
