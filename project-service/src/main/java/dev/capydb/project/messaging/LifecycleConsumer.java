package dev.capydb.project.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePayload;
import dev.capydb.project.service.ProjectService;
import dev.capydb.project.repository.ProjectStatus;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Shows a project as {@code restoring} while an overwrite of its production database runs. */
@ApplicationScoped
public class LifecycleConsumer {

    private final Inbox inbox;
    private final ProjectService projects;

    public LifecycleConsumer(Inbox inbox, ProjectService projects) {
        this.inbox = inbox;
        this.projects = projects;
    }

    @Incoming("restores")
    @Blocking
    public void onRestoreEvent(String json) {
        inbox.process("project-status-restores", json, this::apply);
    }

    void apply(EventEnvelope e) {
        boolean started = EventType.RESTORE_STARTED.wireName().equals(e.type());
        boolean ended = EventType.RESTORE_COMPLETED.wireName().equals(e.type())
                || EventType.RESTORE_FAILED.wireName().equals(e.type());
        if ((started || ended) && "project".equals(e.dataAs(RestorePayload.class).targetKind())) {
            projects.changeStatus(e.projectId(), started ? ProjectStatus.RESTORING : ProjectStatus.ACTIVE);
        }
    }
}
