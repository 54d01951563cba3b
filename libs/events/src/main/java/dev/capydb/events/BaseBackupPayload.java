package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A physical base backup of a PITR host: where PITR restores start from. Since the physical path runs on pgBackRest a
 * base backup is a backup set of the host's stanza ({@code label}, {@code kind} full/diff/incr, {@code key} null);
 * base backups made before that are one object each ({@code key}, {@code label} null), restorable until they expire.
 * A restore may target any moment from {@code endTime} on.
 */
public record BaseBackupPayload(
        UUID baseBackupId,
        String hostId,
        String key,
        String label,
        String kind,
        Instant startTime,
        String startLsn,
        Instant endTime,
        long sizeBytes)
        implements EventPayload {}
