package dev.capydb.restore.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

    public UUID projectId;
    public String orgId;
    public String name;
    public String hostId;
    public String databaseName;
    public String roleName;
    public String passwordSealed;

    @Enumerated(EnumType.STRING)
    public PreviewStatus status;

    public Instant expiresAt;
    public boolean expiringNotified;
    public Instant createdAt;
    public Instant updatedAt;
}
