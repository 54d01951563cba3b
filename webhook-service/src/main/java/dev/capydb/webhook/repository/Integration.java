package dev.capydb.webhook.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public String provider;
    @Column(name = "target_project_id")
    public String targetProjectId;
    @Column(name = "team_id")
    public String teamId;
    public String targets;
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "site_id")
    public String siteId;
    @Column(name = "token_sealed")
    public String tokenSealed;
    @Column(name = "last_sync_status")
    public String lastSyncStatus;
    @Column(name = "last_sync_at")
    public Instant lastSyncAt;
    @Column(name = "last_sync_error")
    public String lastSyncError;
    @Column(name = "last_sync_event")
    public String lastSyncEvent;
    @Column(name = "created_at")
    public Instant createdAt;
}
