package dev.capydb.project.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePayload;
import dev.capydb.project.repository.ProjectStatus;
import dev.capydb.project.service.PitrWindows;
import dev.capydb.project.service.ProjectService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Shows a project as {@code restoring} while an overwrite runs and {@code importing} while an import holds it, and
 * learns base backups for the PITR window.
 */
@ApplicationScoped
public class LifecycleConsumer {

    private final Inbox inbox;
    private final ProjectService projects;
    private final PitrWindows windows;

    public LifecycleConsumer(Inbox inbox, ProjectService projects, PitrWindows windows) {
        this.inbox = inbox;
        this.projects = projects;
        this.windows = windows;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(ConsumerRecord<String, String> record) {
        inbox.processReactive("project-pitr-window", record, e -> {
            if (EventType.BASE_BACKUP_COMPLETED.wireName().equals(e.type())) {
                var b = e.dataAs(BaseBackupPayload.class);
                return windows.baseBackupSeen(b.baseBackupId(), b.hostId(), b.startTime(), b.endTime());
            } else if (EventType.BASE_BACKUP_EXPIRED.wireName().equals(e.type())) {
                return windows.baseBackupExpired(
                        e.dataAs(BaseBackupPayload.class).baseBackupId());
            }
            return Uni.createFrom().voidItem();
        });
    }

    @Incoming("restores")
    @Blocking
    public void onRestoreEvent(ConsumerRecord<String, String> record) {
        inbox.processReactive("project-status-restores", record, this::apply);
    }

    @Incoming("imports")
    @Blocking
    public void onImportEvent(ConsumerRecord<String, String> record) {
        inbox.processReactive("project-status-imports", record, this::applyImport);
    }

    Uni<Void> applyImport(EventEnvelope e) {
        if (EventType.IMPORT_STARTED.wireName().equals(e.type())) {
            return projects.changeStatus(e.projectId(), ProjectStatus.IMPORTING);
        } else if (EventType.IMPORT_COMPLETED.wireName().equals(e.type())
                || EventType.IMPORT_FAILED.wireName().equals(e.type())) {
            // An import refused because a restore holds the project must not end that restore's status.
            return projects.changeStatus(e.projectId(), ProjectStatus.IMPORTING, ProjectStatus.ACTIVE);
        }
        return Uni.createFrom().voidItem();
    }

    Uni<Void> apply(EventEnvelope e) {
        boolean started = EventType.RESTORE_STARTED.wireName().equals(e.type());
        boolean ended = EventType.RESTORE_COMPLETED.wireName().equals(e.type())
                || EventType.RESTORE_FAILED.wireName().equals(e.type());
        if ((started || ended)
                && "project".equals(e.dataAs(RestorePayload.class).targetKind())) {
            return projects.changeStatus(e.projectId(), started ? ProjectStatus.RESTORING : ProjectStatus.ACTIVE);
        }
        return Uni.createFrom().voidItem();
    }
}
