package dev.capydb.webhook;

import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventPayload;
import dev.capydb.events.EventType;
import dev.capydb.events.JobPayload;
import dev.capydb.events.RestorePayload;
import java.time.Instant;
import java.util.UUID;

/** Realistic events of other services, as JSON on their topics. */
final class Events {

    private Events() {}

    static EventEnvelope envelope(EventType type, UUID projectId, String correlation, EventPayload payload) {
        return EventEnvelope.of(type, "test", "acme", projectId, correlation, payload);
    }

    /** {@code e} as if it had happened at {@code time}. */
    static EventEnvelope at(EventEnvelope e, Instant time) {
        return new EventEnvelope(
                e.id(), e.type(), e.source(), time, e.orgId(), e.projectId(), e.correlationId(), e.data());
    }

    static String json(EventEnvelope e) {
        return EventJson.write(e);
    }

    static EventEnvelope backupCompleted(UUID projectId) {
        UUID backup = UUID.randomUUID();
        Instant now = Instant.now();
        return envelope(
                EventType.BACKUP_COMPLETED,
                projectId,
                null,
                new BackupPayload(
                        backup,
                        projectId,
                        "nightly",
                        "manual",
                        "completed",
                        "projects/" + projectId + "/backups/" + backup + ".dump",
                        1234L,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        true,
                        null,
                        now,
                        now));
    }

    static EventEnvelope jobCompleted(UUID projectId) {
        Instant now = Instant.now();
        return envelope(
                EventType.JOB_COMPLETED,
                projectId,
                null,
                new JobPayload(UUID.randomUUID(), "backup", "completed", UUID.randomUUID(), null, now, now));
    }

    static EventEnvelope restoreCompleted(UUID projectId, String targetKind) {
        Instant now = Instant.now();
        return envelope(
                EventType.RESTORE_COMPLETED,
                projectId,
                null,
                new RestorePayload(
                        UUID.randomUUID(),
                        projectId,
                        "backup",
                        "projects/x.dump",
                        null,
                        null,
                        targetKind,
                        null,
                        "completed",
                        null,
                        now,
                        now));
    }
}
