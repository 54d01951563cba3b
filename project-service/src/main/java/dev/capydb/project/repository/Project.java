package dev.capydb.project.repository;

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

/** A project row: the database and role on a host, its sealed password and its lifecycle state. */
@Entity
@Table(name = "project")
public class Project extends PanacheEntityBase {

    /** The database password, sealed for its row. */
    public static final SealedColumn PASSWORD = new SealedColumn("project", "id", "password_sealed");

    @Id
    public UUID id;
    @Column(name = "org_id")
    public String orgId;
    public String name;
    public String region;
    public String plan;
    @Column(name = "storage_limit_bytes")
    public long storageLimitBytes;
    @Column(name = "host_id")
    public String hostId;
    @Column(name = "database_name")
    public String databaseName;
    @Column(name = "role_name")
    public String roleName;
    @Column(name = "password_sealed")
    public String passwordSealed;
    @Enumerated(EnumType.STRING)
    public ProjectStatus status;
    public long version;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
