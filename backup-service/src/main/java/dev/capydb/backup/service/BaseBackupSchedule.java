package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.dataplane.pgbackrest.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which base backup a PITR host needs now, from when its newest full, newest full-or-differential and newest backup of
 * any kind ended: a full when there is none or it is older than the full interval, else a differential when the
 * newest full-or-differential is older than its interval, else an incremental when the newest backup is older than
 * the incremental interval, else none.
 */
public record BaseBackupSchedule(Duration fullInterval, Duration diffInterval, Duration incrInterval) {

    public static BaseBackupSchedule of(BackupConfig config) {
        return new BaseBackupSchedule(
                config.baseBackupFullInterval(), config.baseBackupDiffInterval(), config.baseBackupIncrInterval());
    }

    public Optional<BackupType> due(
            Instant now, Optional<Instant> lastFull, Optional<Instant> lastFullOrDiff, Optional<Instant> lastAny) {
        if (lastFull.isEmpty() || lastFull.get().isBefore(now.minus(fullInterval))) {
            return Optional.of(BackupType.FULL);
        }
        if (lastFullOrDiff.orElse(lastFull.get()).isBefore(now.minus(diffInterval))) {
            return Optional.of(BackupType.DIFF);
        }
        if (lastAny.orElse(lastFull.get()).isBefore(now.minus(incrInterval))) {
            return Optional.of(BackupType.INCR);
        }
        return Optional.empty();
    }
}
