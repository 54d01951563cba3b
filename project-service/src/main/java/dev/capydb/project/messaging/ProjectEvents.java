package dev.capydb.project.messaging;

import dev.capydb.chassis.outbox.ReactiveOutbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import dev.capydb.project.repository.Project;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Announces project changes through the outbox, each carrying the full snapshot (the topic is compacted). */
@ApplicationScoped
public class ProjectEvents {

    static final String SOURCE = "project-service";

    private final ReactiveOutbox outbox;

    public ProjectEvents(ReactiveOutbox outbox) {
        this.outbox = outbox;
    }

    /** In the caller's reactive transaction, with the change it announces. */
    public Uni<Void> announce(EventType type, Project p, boolean pitrAvailable) {
        ProjectPayload payload = new ProjectPayload(
                p.id,
                p.orgId,
                p.name,
                p.region,
                p.plan,
                p.storageLimitBytes,
                p.hostId,
                p.databaseName,
                p.roleName,
                p.status.wire(),
                pitrAvailable,
                p.version,
                p.createdAt,
                p.updatedAt);
        return outbox.publish(EventEnvelope.of(type, SOURCE, p.orgId, p.id, null, payload));
    }
}
