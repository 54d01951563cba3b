package dev.capydb.backup.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupSchedule;
import dev.capydb.backup.service.BackupService;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the backups and schedule API (snake_case on the wire). */
public final class BackupDtos {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BackupDtos() {}

    /** {@code POST …/backups}. */
    @Schema(example = "{\"label\": \"before-the-big-migration\", \"verify\": true}")
    public record CreateBackup(
            @Schema(
                    minLength = 1,
                    maxLength = BackupService.MAX_LABEL,
                    description = "A name for the backup, without control characters; need not be unique")
            String label,

            @Schema(description = "Also test-restore it and compare row counts (default false)")
            Boolean verify) {}

    /** A backup, which is also its job ({@code status}: pending, running, completed, failed; or expired). */
    public record BackupBody(
            UUID id,
            UUID projectId,
            @Schema(nullable = true) String label,

            @Schema(enumeration = {"manual", "scheduled", "pre_cutover"})
            String kind,

            @Schema(enumeration = {"pending", "running", "completed", "failed", "deleting", "expired"})
            String status,

            boolean verify,
            @Schema(nullable = true) Boolean verified,

            @Schema(
                    nullable = true,
                    implementation = Map.class,
                    description = "What a verification found: checksum_matches, restore_succeeded,"
                            + " tables_compared, row_count_differences")
            JsonNode verification,

            String backupKey,
            @Schema(nullable = true) Long sizeBytes,
            @Schema(nullable = true) String sha256,
            @Schema(nullable = true) String error,
            @Schema(nullable = true) String correlationId,
            int attempt,
            Instant createdAt,
            @Schema(nullable = true) Instant startedAt,
            @Schema(nullable = true) Instant completedAt,
            @Schema(nullable = true) Instant expiredAt,
            @Schema(nullable = true) String expiredReason) {

        static BackupBody of(Backup b) {
            JsonNode verification = null;
            if (b.verification != null) {
                try {
                    verification = JSON.readTree(b.verification);
                } catch (Exception e) {
                    verification = JSON.getNodeFactory().textNode(b.verification);
                }
            }
            return new BackupBody(
                    b.id,
                    b.projectId,
                    b.label,
                    b.kind.wire(),
                    b.status.wire(),
                    b.verify,
                    b.verified,
                    verification,
                    b.backupKey,
                    b.sizeBytes,
                    b.sha256,
                    b.error,
                    b.correlationId,
                    b.attempt,
                    b.createdAt,
                    b.startedAt,
                    b.completedAt,
                    b.expiredAt,
                    b.expiredReason);
        }
    }

    /** {@code PUT …/scheduled-backups/default}. */
    @Schema(example = "{\"hour\": 3, \"minute\": 30, \"active\": true, \"retention_days\": 14}")
    public record ScheduleSettings(
            @Schema(required = true, minimum = "0", maximum = "23", description = "The UTC hour it runs")
            Integer hour,

            @Schema(required = true, minimum = "0", maximum = "59")
            Integer minute,

            @Schema(required = true, description = "Whether it runs")
            Boolean active,

            @Schema(required = true, minimum = "1", maximum = "365", description = "Days a scheduled backup is kept")
            Integer retentionDays) {}

    /** The daily schedule (UTC); {@code configured} is false until the first PUT. */
    public record ScheduleBody(
            int hour,
            int minute,
            boolean active,
            int retentionDays,
            @Schema(nullable = true) Instant nextRunAt,
            @Schema(nullable = true) Instant lastRunAt,
            boolean configured) {

        static ScheduleBody of(BackupSchedule s) {
            return new ScheduleBody(s.hour, s.minute, s.active, s.retentionDays, s.nextRunAt, s.lastRunAt, true);
        }
    }
}
