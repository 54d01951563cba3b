package dev.capydb.restore.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A restore of a project's data into a target, and the job that performs it. */
@Entity
@Table(name = "restore")
public class Restore extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    @Column(name = "source_kind")
    public String sourceKind;
    @Column(name = "backup_key")
    public String backupKey;
    @Column(name = "restore_time")
    public Instant restoreTime;
    @Column(name = "restore_point_id")
    public UUID restorePointId;
    @Column(name = "target_kind")
    public String targetKind;
    @Column(name = "preview_id")
    public UUID previewId;
    @Column(name = "preview_name")
    public String previewName;
    @Column(name = "ttl_hours")
    public Integer ttlHours;
    @Enumerated(EnumType.STRING)
    public RestoreStatus status;
    public String phase;
    @Column(name = "scratch_database")
    public String scratchDatabase;
    @Column(name = "bytes_done")
    public long bytesDone;
    public String error;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "pre_cutover_backup_id")
    public UUID preCutoverBackupId;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    public int attempt;
    @Column(name = "not_before")
    public Instant notBefore;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    public String worker;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
}
