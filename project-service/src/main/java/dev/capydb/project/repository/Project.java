package dev.capydb.project.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A project row: the database and role on a host, its sealed password and its lifecycle state. */
@Entity
@Table(name = "project")
public class Project extends PanacheEntityBase {

    /** The database password, sealed for its row. */
    public static final SealedColumn PASSWORD = new SealedColumn("project", "id", "password_sealed");

    @Id
    public UUID id;

    public String orgId;
    public String name;
    public String region;
    public String plan;
    public long storageLimitBytes;
    public String hostId;
    public String databaseName;
    public String roleName;
    public String passwordSealed;

    @Enumerated(EnumType.STRING)
    public ProjectStatus status;

    public long version;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant deletedAt;
}
