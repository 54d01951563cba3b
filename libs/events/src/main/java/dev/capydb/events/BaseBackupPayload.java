package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** A physical base backup of a PITR host in object storage: where PITR restores start from. */
public record BaseBackupPayload(
        UUID baseBackupId,
        String hostId,
        String key,
        Instant startTime,
        String startLsn,
        Instant endTime,
        long sizeBytes) implements EventPayload {
}
