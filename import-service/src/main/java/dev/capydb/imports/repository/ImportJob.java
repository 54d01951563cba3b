package dev.capydb.imports.repository;

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

/** An import of a source (a live database URL or an uploaded dump) into a project, and the job that runs it. */
@Entity
@Table(name = "import_job")
public class ImportJob extends PanacheEntityBase {

    /** The source URL with its password, sealed for its row until the import ends. */
    public static final SealedColumn SOURCE_URL = new SealedColumn("import_job", "id", "source_url_sealed");

    @Id
    public UUID id;
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    /** {@code url} or {@code upload}. */
    @Column(name = "source_kind")
    public String sourceKind;
    /** The masked URL or the uploaded file's name: safe to show. */
    public String source;
    @Column(name = "source_url_sealed")
    public String sourceUrlSealed;
    @Column(name = "upload_id")
    public UUID uploadId;
    /**
     * The frozen copy of the upload the worker loads (a key no upload URL can write); null for URL imports and for
     * uploads accepted before copies were made, which load the upload's own key.
     */
    @Column(name = "accepted_key")
    public String acceptedKey;
    /** {@code custom} or {@code plain}, once the upload's magic bytes were read. */
    @Column(name = "dump_format")
    public String dumpFormat;
    public boolean recreate;
    @Enumerated(EnumType.STRING)
    public ImportStatus status;
    public String phase;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public String error;
    @Column(name = "scratch_database")
    public String scratchDatabase;
    @Column(name = "correlation_id")
    public String correlationId;
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
