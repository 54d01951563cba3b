package dev.capydb.imports.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A presigned upload slot for a dump file; the object is deleted after a successful import. */
@Entity
@Table(name = "dump_upload")
public class DumpUpload extends PanacheEntityBase {

    @Id
    public UUID id;

    public UUID projectId;
    public String orgId;
    public String filename;
    public long declaredSize;
    public String objectKey;
    public String createdBy;
    public Instant createdAt;
    public Instant expiresAt;
    public Instant deletedAt;
}
