package dev.capydb.backup.messaging;

import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.service.BackupService;
import dev.capydb.backup.service.RestorePointPins;
import dev.capydb.backup.service.ScheduleService;
import dev.capydb.chassis.consistency.Feed;
import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePointPayload;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** What backup-service does on other domains' events: pin for restore points, pre-cutover backups, schedules off. */
@ApplicationScoped
public class BackupConsumers {

    /** Restore events, from which the restore points that pin backups are known. */
    public static final Feed RESTORE_POINTS = new Feed("restores", "backup-restore-points");

    private static final Logger LOG = Logger.getLogger(BackupConsumers.class);

    private final Inbox inbox;
    private final RestorePointPins pins;
    private final BackupService backups;
    private final ScheduleService schedules;
    private final ProjectLookup projects;

    public BackupConsumers(
            Inbox inbox,
            RestorePointPins pins,
            BackupService backups,
            ScheduleService schedules,
            ProjectLookup projects) {
        this.inbox = inbox;
        this.pins = pins;
        this.backups = backups;
        this.schedules = schedules;
        this.projects = projects;
    }

    @Incoming("restores")
    @Blocking
    public void onRestoreEvent(ConsumerRecord<String, String> record) {
        inbox.process(RESTORE_POINTS.consumer(), record, this::restorePoint);
    }

    /** The restore-point handler itself, for tests that feed events through the inbox by hand. */
    public void onRestoreEventForTest(EventEnvelope e) {
        restorePoint(e);
    }

    void restorePoint(EventEnvelope e) {
        if (EventType.RESTORE_POINT_CREATED.wireName().equals(e.type())) {
            RestorePointPayload rp = e.dataAs(RestorePointPayload.class);
            if (rp.backupKey() != null) {
                pins.pin(rp.restorePointId(), rp.projectId(), rp.backupKey());
            }
        } else if (EventType.RESTORE_POINT_DELETED.wireName().equals(e.type())) {
            pins.unpin(e.dataAs(RestorePointPayload.class).restorePointId());
        }
    }

    @Incoming("cutovers")
    @Blocking
    public void onCutoverEvent(ConsumerRecord<String, String> record) {
        inbox.process("backup-pre-cutover", record, this::cutover);
    }

    /** cutover.execution_started: take the verified pre-cutover backup; its outcome carries the request id. */
    void cutover(EventEnvelope e) {
        if (!EventType.CUTOVER_EXECUTION_STARTED.wireName().equals(e.type())) {
            return;
        }
        CutoverPayload c = e.dataAs(CutoverPayload.class);
        var project = projects.find(c.projectId()).filter(p -> !p.isDeleted());
        if (project.isEmpty()) {
            LOG.warnf("cutover %s names unknown project %s; no pre-cutover backup", c.requestId(), c.projectId());
            return;
        }
        backups.request(new BackupService.Request(
                project.get(),
                "pre-cutover-" + c.requestId(),
                BackupKind.PRE_CUTOVER,
                true,
                c.requestId().toString(),
                null,
                null,
                "cutover:" + c.requestId()));
    }

    @Incoming("project-lifecycle")
    @Blocking
    public void onProjectEvent(ConsumerRecord<String, String> record) {
        inbox.process("backup-project-lifecycle", record, e -> {
            if (EventType.PROJECT_DELETED.wireName().equals(e.type())) {
                schedules.projectDeleted(e.projectId());
            }
        });
    }
}
