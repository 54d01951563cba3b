package dev.capydb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.backup.service.BaseBackupSchedule;
import dev.capydb.dataplane.pgbackrest.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which base backup is due: rare fulls, daily differentials, hourly incrementals (the defaults). */
class BaseBackupScheduleTest {

    private static final BaseBackupSchedule SCHEDULE =
            new BaseBackupSchedule(Duration.ofDays(7), Duration.ofDays(1), Duration.ofHours(1));
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static Optional<Instant> ago(Duration d) {
        return Optional.of(NOW.minus(d));
    }

    @Test
    void aHostWithoutAFullGetsOne() {
        assertEquals(
                Optional.of(BackupType.FULL), SCHEDULE.due(NOW, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aFullOlderThanItsIntervalIsReplaced() {
        assertEquals(
                Optional.of(BackupType.FULL),
                SCHEDULE.due(NOW, ago(Duration.ofDays(8)), ago(Duration.ofHours(2)), ago(Duration.ofMinutes(5))));
    }

    @Test
    void aDayAfterTheLastFullOrDiffADiffIsDue() {
        assertEquals(
                Optional.of(BackupType.DIFF),
                SCHEDULE.due(NOW, ago(Duration.ofDays(3)), ago(Duration.ofHours(25)), ago(Duration.ofMinutes(5))));
        assertEquals(
                Optional.of(BackupType.DIFF),
                SCHEDULE.due(NOW, ago(Duration.ofHours(30)), ago(Duration.ofHours(30)), ago(Duration.ofMinutes(5))));
    }

    @Test
    void anHourAfterTheLastBackupAnIncrementalIsDue() {
        assertEquals(
                Optional.of(BackupType.INCR),
                SCHEDULE.due(NOW, ago(Duration.ofHours(5)), ago(Duration.ofHours(5)), ago(Duration.ofMinutes(61))));
        assertEquals(
                Optional.empty(),
                SCHEDULE.due(NOW, ago(Duration.ofHours(5)), ago(Duration.ofHours(5)), ago(Duration.ofMinutes(59))));
    }
}
