package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** A restore's outcome: its source, its target and, for previews, which preview holds the restored state. */
public record RestorePayload(
        UUID restoreId,
        UUID projectId,
        String sourceKind,
        String backupKey,
        Instant restoreTime,
        UUID restorePointId,
        String targetKind,
        UUID previewId,
        String status,
        String error,
        Instant createdAt,
        Instant completedAt)
        implements EventPayload {}
