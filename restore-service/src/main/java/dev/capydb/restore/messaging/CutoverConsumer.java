package dev.capydb.restore.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventType;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.SourceKind;
import dev.capydb.restore.repository.TargetKind;
import dev.capydb.restore.service.RestoreWorker;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Cutover step 6: {@code cutover.promote_started} becomes a restore that copies the preview over production (the
 * same scratch-and-swap path as any production overwrite), never retried automatically; its outcome carries the
 * cutover request as correlation id.
 */
@ApplicationScoped
public class CutoverConsumer {

    private static final Logger LOG = Logger.getLogger(CutoverConsumer.class);

    private final Inbox inbox;
    private final RestoreWorker worker;

    public CutoverConsumer(Inbox inbox, RestoreWorker worker) {
        this.inbox = inbox;
        this.worker = worker;
    }

    @Incoming("cutovers")
    @Blocking
    public void onCutoverEvent(ConsumerRecord<String, String> record) {
        boolean queued = inbox.process("restore-cutover-promotion", record, e -> {
            if (!EventType.CUTOVER_PROMOTE_STARTED.wireName().equals(e.type())) {
                return;
            }
            CutoverPayload c = e.dataAs(CutoverPayload.class);
            Preview preview = Preview.findById(c.previewId());
            Restore x = new Restore();
            x.id = UUID.randomUUID();
            x.projectId = c.projectId();
            x.orgId = e.orgId();
            x.sourceKind = SourceKind.PREVIEW;
            x.targetKind = TargetKind.PROJECT;
            x.previewId = c.previewId();
            x.previewName = preview == null ? null : preview.name;
            x.correlationId = c.requestId().toString();
            x.preCutoverBackupId = c.backupId();
            x.status = RestoreStatus.PENDING;
            x.phase = RestorePhase.QUEUED;
            x.createdBy = "cutover:" + c.requestId();
            x.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (preview == null || !preview.projectId.equals(c.projectId()) || preview.status != PreviewStatus.READY) {
                // Recorded as a failed restore so the cutover sees restore.failed rather than silence.
                x.status = RestoreStatus.FAILED;
                x.error = preview == null || !preview.projectId.equals(c.projectId())
                        ? "preview " + c.previewId() + " does not exist in this project"
                        : "preview " + c.previewId() + " is " + preview.status.wire() + "; production was not changed";
                x.completedAt = x.createdAt;
                LOG.warnf("cutover %s: %s", c.requestId(), x.error);
            }
            x.persist();
            if (x.status == RestoreStatus.FAILED) {
                worker.announceFailed(x);
            }
        });
        if (queued) {
            worker.engine().wake();
        }
    }
}
