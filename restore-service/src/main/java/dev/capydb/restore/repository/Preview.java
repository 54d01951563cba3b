package dev.capydb.restore.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A preview database of a project, with its own role and password and an expiry. */
@Entity
@Table(name = "preview")
public class Preview extends PanacheEntityBase {

    /** The preview role's password, sealed for its row. */
    public static final SealedColumn PASSWORD = new SealedColumn("preview", "id", "password_sealed");

    @Id
    public UUID id;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public String name;
    @Column(name = "host_id")
    public String hostId;
    @Column(name = "database_name")
    public String databaseName;
    @Column(name = "role_name")
    public String roleName;
    @Column(name = "password_sealed")
    public String passwordSealed;
    @Enumerated(EnumType.STRING)
    public PreviewStatus status;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "expiring_notified")
    public boolean expiringNotified;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
