package dev.capydb.restore.messaging;

import dev.capydb.chassis.consistency.Feed;
import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventType;
import dev.capydb.restore.repository.KnownBackups;
import dev.capydb.restore.service.PitrWindow;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns completed backups and PITR base backups from {@code capydb.backups}: what restores may name or reach. */
@ApplicationScoped
public class BackupEventsConsumer {

    /** Backup events, from which the completed backups a restore may name are known. */
    public static final Feed FEED = new Feed("backups", "restore-known-backups");

    private final Inbox inbox;
    private final KnownBackups known;
    private final PitrWindow pitr;

    public BackupEventsConsumer(Inbox inbox, KnownBackups known, PitrWindow pitr) {
        this.inbox = inbox;
        this.known = known;
        this.pitr = pitr;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(ConsumerRecord<String, String> record) {
        inbox.process(FEED.consumer(), record, e -> {
            if (EventType.BACKUP_COMPLETED.wireName().equals(e.type())) {
                BackupPayload b = e.dataAs(BackupPayload.class);
                known.remember(b.backupKey(), b.backupId(), b.projectId(), b.sizeBytes(), b.sha256(), b.completedAt());
            } else if (EventType.BASE_BACKUP_COMPLETED.wireName().equals(e.type())) {
                pitr.baseBackupSeen(e.dataAs(BaseBackupPayload.class));
            } else if (EventType.BASE_BACKUP_EXPIRED.wireName().equals(e.type())) {
                pitr.baseBackupExpired(e.dataAs(BaseBackupPayload.class).baseBackupId());
            }
        });
    }
}
