package dev.capydb.restore.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Convert;
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

    public UUID projectId;
    public String orgId;

    @Convert(converter = SourceKind.Column.class)
    public SourceKind sourceKind;

    public String backupKey;
    public Instant restoreTime;
    public UUID restorePointId;

    @Convert(converter = TargetKind.Column.class)
    public TargetKind targetKind;

    public UUID previewId;
    public String previewName;
    public Integer ttlHours;

    @Enumerated(EnumType.STRING)
    public RestoreStatus status;

    @Convert(converter = RestorePhase.Column.class)
    public RestorePhase phase;

    public String scratchDatabase;
    public long bytesDone;
    public String error;
    public String correlationId;
    public UUID preCutoverBackupId;
    public String idempotencyKey;
    public int attempt;
    public Instant notBefore;
    public Instant leaseUntil;
    public String worker;
    public String createdBy;
    public Instant createdAt;
    public Instant startedAt;
    public Instant completedAt;
}
