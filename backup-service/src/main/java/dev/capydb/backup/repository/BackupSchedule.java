package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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
    public UUID projectId;

    public String orgId;
    public int hour;
    public int minute;
    public boolean active;
    public int retentionDays;
    public Instant nextRunAt;
    public Instant lastRunAt;
    public Instant createdAt;
    public Instant updatedAt;
}
