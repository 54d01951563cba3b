package dev.capydb.restore.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Convert;
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

    public UUID projectId;
    public String orgId;
    public String label;

    @Convert(converter = RestorePointKind.Column.class)
    public RestorePointKind kind;

    public String backupKey;
    public Instant pointTime;
    public String lsn;
    public String createdBy;
    public Instant createdAt;
}
