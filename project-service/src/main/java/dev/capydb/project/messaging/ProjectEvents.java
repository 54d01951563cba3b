package dev.capydb.project.messaging;

import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import dev.capydb.project.repository.Project;
import jakarta.enterprise.context.ApplicationScoped;

/** Announces project changes through the outbox, each carrying the full snapshot (the topic is compacted). */
@ApplicationScoped
public class ProjectEvents {

    static final String SOURCE = "project-service";

    private final Outbox outbox;

    public ProjectEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public void announce(EventType type, Project p, boolean pitrAvailable) {
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
        outbox.publish(EventEnvelope.of(type, SOURCE, p.orgId, p.id, null, payload));
    }
}
