package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A physical base backup of a PITR host ({@code running|completed|failed}). */
@Entity
@Table(name = "base_backup")
public class BaseBackup extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "host_id")
    public String hostId;
    public String status;
    @Column(name = "object_key")
    public String objectKey;
    @Column(name = "start_time")
    public Instant startTime;
    @Column(name = "start_lsn")
    public String startLsn;
    @Column(name = "start_wal_file")
    public String startWalFile;
    @Column(name = "end_time")
    public Instant endTime;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public String error;
    @Column(name = "pruned_at")
    public Instant prunedAt;
}
