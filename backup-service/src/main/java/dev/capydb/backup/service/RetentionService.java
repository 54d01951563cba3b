package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.repository.BackupSchedule;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Removes backups older than their project's retention window (set with the schedule): never one a restore point
 * pins, never the project's newest completed backup. Crash-safe: the row is marked {@code deleting} before the
 * object goes, {@code expired} after; a {@code deleting} row is finished on the next pass. Expired rows stay,
 * with the reason, so every decision is visible ({@code GET …/backups?include=expired}).
 */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    private final BackupRepository backups;
    private final RestorePointPins pins;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupConfig config;

    public RetentionService(BackupRepository backups, RestorePointPins pins, ObjectStore store, StorageConfig storage,
                            BackupConfig config) {
        this.backups = backups;
        this.pins = pins;
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "30s")
    void tick() {
        if (config.schedulersEnabled()) {
            runOnce(Instant.now());
        }
    }

    /** One retention pass; returns the backups it expired. */
    public List<UUID> runOnce(Instant now) {
        List<UUID> expired = new ArrayList<>();
        List<BackupSchedule> schedules = QuarkusTransaction.requiringNew().call(() -> BackupSchedule.<BackupSchedule>listAll());
        for (BackupSchedule sch : schedules) {
            Instant cutoff = now.minus(Duration.ofDays(sch.retentionDays));
            Optional<UUID> newest = QuarkusTransaction.requiringNew().call(() ->
                    backups.newestCompleted(sch.projectId).map(b -> b.id));
            List<Backup> old = QuarkusTransaction.requiringNew().call(() -> backups.list(
                    "projectId = ?1 and status = ?2 and createdAt < ?3", sch.projectId, BackupStatus.COMPLETED, cutoff));
            for (Backup b : old) {
                if (newest.filter(b.id::equals).isPresent()) {
                    LOG.infof("retention keeps backup %s of project %s: it is the newest completed one", b.id, b.projectId);
                } else if (pins.isPinned(b.backupKey)) {
                    LOG.infof("retention keeps backup %s of project %s: a restore point pins it", b.id, b.projectId);
                } else {
                    markDeleting(b.id, "older than the " + sch.retentionDays + "-day retention window");
                }
            }
        }
        // Finish every deletion, including those a crashed pass left half-done.
        List<Backup> deleting = QuarkusTransaction.requiringNew().call(() -> backups.list("status", BackupStatus.DELETING));
        for (Backup b : deleting) {
            try {
                store.delete(storage.backupsBucket(), b.backupKey);
            } catch (RuntimeException e) {
                LOG.warnf("retention could not delete the object of backup %s yet: %s", b.id, e.getMessage());
                continue;
            }
            QuarkusTransaction.requiringNew().run(() -> {
                Backup row = backups.findById(b.id);
                row.status = row.status.moveTo(BackupStatus.EXPIRED);
                row.expiredAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            });
            LOG.infof("retention expired backup %s of project %s (%s)", b.id, b.projectId, b.expiredReason);
            expired.add(b.id);
        }
        return expired;
    }

    private void markDeleting(UUID id, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            Backup b = backups.findById(id);
            // Re-checked under the row lock: a restore point may have pinned it since.
            if (b.status == BackupStatus.COMPLETED && !pins.isPinned(b.backupKey)) {
                b.status = b.status.moveTo(BackupStatus.DELETING);
                b.expiredReason = reason;
            }
        });
    }
}
