package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A logical backup of one project and the job that makes it. */
@Entity
@Table(name = "backup")
public class Backup extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public String label;
    @Enumerated(EnumType.STRING)
    public BackupKind kind;
    @Enumerated(EnumType.STRING)
    public BackupStatus status;
    public boolean verify;
    public Boolean verified;
    public String verification;
    @Column(name = "backup_key")
    public String backupKey;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public String sha256;
    public String error;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "scheduled_for")
    public Instant scheduledFor;
    public int attempt;
    @Column(name = "not_before")
    public Instant notBefore;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    public String worker;
    @Column(name = "expired_reason")
    public String expiredReason;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "expired_at")
    public Instant expiredAt;
}
