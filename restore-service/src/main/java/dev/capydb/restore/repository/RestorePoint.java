package dev.capydb.restore.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A named point a project can be restored to: kind {@code backup} (a backup key) or {@code pitr} (a time). */
@Entity
@Table(name = "restore_point")
public class RestorePoint extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public String label;
    public String kind;
    @Column(name = "backup_key")
    public String backupKey;
    @Column(name = "point_time")
    public Instant pointTime;
    public String lsn;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
}
