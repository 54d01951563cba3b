package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** A backup's outcome: {@code backup.completed} (with object key, size, checksum, verification) or {@code backup.failed}. */
public record BackupPayload(
        UUID backupId,
        UUID projectId,
        String label,
        String kind,
        String status,
        String backupKey,
        Long sizeBytes,
        String sha256,
        Boolean verified,
        String error,
        Instant createdAt,
        Instant completedAt)
        implements EventPayload {}
