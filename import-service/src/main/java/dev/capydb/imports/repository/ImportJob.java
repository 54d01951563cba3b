package dev.capydb.imports.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Convert;
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

    public UUID projectId;
    public String orgId;

    @Convert(converter = ImportSourceKind.Column.class)
    public ImportSourceKind sourceKind;
    /** The masked URL or the uploaded file's name: safe to show. */
    public String source;

    public String sourceUrlSealed;
    public UUID uploadId;
    /**
     * The frozen copy of the upload the worker loads (a key no upload URL can write); null for URL imports and for
     * uploads accepted before copies were made, which load the upload's own key.
     */
    public String acceptedKey;
    /** {@code custom} or {@code plain}, once the upload's magic bytes were read. */
    public String dumpFormat;

    public boolean recreate;

    @Enumerated(EnumType.STRING)
    public ImportStatus status;

    @Convert(converter = ImportPhase.Column.class)
    public ImportPhase phase;

    public Long sizeBytes;
    public String error;
    public String scratchDatabase;
    public String correlationId;
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
