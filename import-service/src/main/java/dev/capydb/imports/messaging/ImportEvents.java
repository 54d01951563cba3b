package dev.capydb.imports.messaging;

import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ImportPayload;
import dev.capydb.events.JobPayload;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.repository.ImportStatus;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Announces an import through the outbox (in the caller's transaction): {@code import.started} once it holds the
 * project (project-service shows the project importing), then its outcome with its job event.
 */
@ApplicationScoped
public class ImportEvents {

    static final String SOURCE = "import-service";

    private final Outbox outbox;

    public ImportEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public void started(ImportJob x) {
        outbox.publish(EventEnvelope.of(
                EventType.IMPORT_STARTED,
                SOURCE,
                x.orgId,
                x.projectId,
                x.correlationId,
                new ImportPayload(
                        x.id,
                        x.projectId,
                        x.sourceKind.wire(),
                        x.source,
                        x.recreate,
                        "running",
                        null,
                        null,
                        x.createdAt,
                        null)));
    }

    public void finished(ImportJob x) {
        boolean ok = x.status == ImportStatus.COMPLETED;
        String status = ok ? "completed" : "failed";
        outbox.publish(EventEnvelope.of(
                ok ? EventType.IMPORT_COMPLETED : EventType.IMPORT_FAILED,
                SOURCE,
                x.orgId,
                x.projectId,
                x.correlationId,
                new ImportPayload(
                        x.id,
                        x.projectId,
                        x.sourceKind.wire(),
                        x.source,
                        x.recreate,
                        status,
                        x.sizeBytes,
                        x.error,
                        x.createdAt,
                        x.completedAt)));
        outbox.publish(EventEnvelope.of(
                ok ? EventType.JOB_COMPLETED : EventType.JOB_FAILED,
                SOURCE,
                x.orgId,
                x.projectId,
                x.correlationId,
                new JobPayload(x.id, "import", status, x.id, x.error, x.startedAt, x.completedAt)));
    }
}
