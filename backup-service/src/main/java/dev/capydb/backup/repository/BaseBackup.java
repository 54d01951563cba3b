package dev.capydb.backup.repository;

import dev.capydb.dataplane.pgbackrest.BackupType;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
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

    public String hostId;
    public String status;
    public String objectKey;
    public String label;
    /** full, diff or incr; what pgBackRest made, which may be a full when an incremental was asked with no full yet. */
    @Enumerated(EnumType.STRING)
    public BackupType kind;

    public Instant startTime;
    public String startLsn;
    public String startWalFile;
    public String stopLsn;
    public Instant endTime;
    public Long sizeBytes;
    public String error;
    public Instant prunedAt;
}
