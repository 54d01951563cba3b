package dev.capydb.webhook.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A Vercel project or Netlify site whose DATABASE_URL env vars follow this project; the token is sealed. */
@Entity
@Table(name = "integration")
public class Integration extends PanacheEntityBase {

    /** The provider's access token, sealed for its row. */
    public static final SealedColumn TOKEN = new SealedColumn("integration", "id", "token_sealed");

    @Id
    public UUID id;

    public UUID projectId;
    public String orgId;
    public String provider;
    public String targetProjectId;
    public String teamId;
    public String targets;
    public String accountId;
    public String siteId;
    public String tokenSealed;
    public String lastSyncStatus;
    public Instant lastSyncAt;
    public String lastSyncError;
    public String lastSyncEvent;
    public Instant createdAt;
}
