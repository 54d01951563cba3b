package dev.capydb.imports.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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
    @Column(name = "project_id")
    public UUID projectId;
    @Column(name = "org_id")
    public String orgId;
    public String filename;
    @Column(name = "declared_size")
    public long declaredSize;
    @Column(name = "object_key")
    public String objectKey;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
