package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

    public UUID projectId;
    public String orgId;
    public String label;

    @Enumerated(EnumType.STRING)
    public BackupKind kind;

    @Enumerated(EnumType.STRING)
    public BackupStatus status;

    public boolean verify;
    public Boolean verified;
    public String verification;
    public String backupKey;
    public Long sizeBytes;
    public String sha256;
    public String error;
    public String correlationId;
    public String idempotencyKey;
    public Instant scheduledFor;
    public int attempt;
    public Instant notBefore;
    public Instant leaseUntil;
    public String worker;
    public String expiredReason;
    public String createdBy;
    public Instant createdAt;
    public Instant startedAt;
    public Instant completedAt;
    public Instant expiredAt;
}
