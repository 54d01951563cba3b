package dev.capydb.restore.messaging;

import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventType;
import dev.capydb.restore.repository.KnownBackups;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns completed backups from {@code capydb.backups}, so restores can be checked against them. */
@ApplicationScoped
public class BackupEventsConsumer {

    private final Inbox inbox;
    private final KnownBackups known;

    public BackupEventsConsumer(Inbox inbox, KnownBackups known) {
        this.inbox = inbox;
        this.known = known;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(String json) {
        inbox.process("restore-known-backups", json, e -> {
            if (EventType.BACKUP_COMPLETED.wireName().equals(e.type())) {
                BackupPayload b = e.dataAs(BackupPayload.class);
                known.remember(b.backupKey(), b.backupId(), b.projectId(), b.sizeBytes(), b.sha256(), b.completedAt());
            }
        });
    }
}
