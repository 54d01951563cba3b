package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A physical base backup of a PITR host ({@code running|completed|failed}): a pgBackRest backup set ({@code label},
 * {@code kind}), or one object ({@code objectKey}) when it was made before pgBackRest.
 */
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
    public String label;
    /** full, diff or incr; what pgBackRest made, which may be a full when an incremental was asked with no full yet. */
    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    public dev.capydb.dataplane.pgbackrest.BackupType kind;
    @Column(name = "start_time")
    public Instant startTime;
    @Column(name = "start_lsn")
    public String startLsn;
    @Column(name = "start_wal_file")
    public String startWalFile;
    @Column(name = "stop_lsn")
    public String stopLsn;
    @Column(name = "end_time")
    public Instant endTime;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public String error;
    @Column(name = "pruned_at")
    public Instant prunedAt;
}
