package dev.capydb.dataplane.pgbackrest;

import java.time.Instant;
import java.util.List;

/**
 * One backup set in the pgBackRest repository of a host, as {@code pgbackrest info} tells it: the set a PITR restores
 * from must have stopped before the target. {@code databases} is filled only when one set was asked for.
 */
public record BackupSet(
        String label,
        BackupType type,
        String prior,
        Instant startTime,
        Instant stopTime,
        String startLsn,
        String stopLsn,
        long sizeBytes,
        long repoSizeBytes,
        List<String> databases) {}
