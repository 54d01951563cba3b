package dev.capydb.restore.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventType;
import dev.capydb.restore.repository.KnownBackups;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns completed backups and PITR base backups from {@code capydb.backups}: what restores may name or reach. */
@ApplicationScoped
public class BackupEventsConsumer {

    private final Inbox inbox;
    private final KnownBackups known;
    private final dev.capydb.restore.service.PitrWindow pitr;

    public BackupEventsConsumer(Inbox inbox, KnownBackups known, dev.capydb.restore.service.PitrWindow pitr) {
        this.inbox = inbox;
        this.known = known;
        this.pitr = pitr;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(String json) {
        inbox.process("restore-known-backups", json, e -> {
            if (EventType.BACKUP_COMPLETED.wireName().equals(e.type())) {
                BackupPayload b = e.dataAs(BackupPayload.class);
                known.remember(b.backupKey(), b.backupId(), b.projectId(), b.sizeBytes(), b.sha256(), b.completedAt());
            } else if (EventType.BASE_BACKUP_COMPLETED.wireName().equals(e.type())) {
                var base = e.dataAs(dev.capydb.events.BaseBackupPayload.class);
                pitr.baseBackupSeen(base.baseBackupId(), base.hostId(), base.startTime(), base.key());
            }
        });
    }
}
