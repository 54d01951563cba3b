package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A project's daily backup schedule (UTC) and the retention window it sets. */
@Entity
@Table(name = "backup_schedule")
public class BackupSchedule extends PanacheEntityBase {

    @Id
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public int hour;
    public int minute;
    public boolean active;
    @Column(name = "retention_days")
    public int retentionDays;
    @Column(name = "next_run_at")
    public Instant nextRunAt;
    @Column(name = "last_run_at")
    public Instant lastRunAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
