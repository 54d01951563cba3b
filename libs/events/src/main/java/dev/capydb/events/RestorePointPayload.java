package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** A named restore point of a project; kind {@code backup} pins {@code backup_key} against retention. */
public record RestorePointPayload(
        UUID restorePointId, UUID projectId, String label, String kind, String backupKey, Instant timestamp, String lsn)
        implements EventPayload {}
