package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
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
    private final EntityManager em;

    public RetentionService(
            BackupRepository backups,
            RestorePointPins pins,
            ObjectStore store,
            StorageConfig storage,
            BackupConfig config,
            EntityManager em) {
        this.em = em;
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

    /** A project's retention window in days: its schedule's, or the default once the project is deleted. */
    record Window(UUID projectId, int days) {}

    /** One retention pass; returns the backups it expired. */
    public List<UUID> runOnce(Instant now) {
        List<UUID> expired = new ArrayList<>();
        for (Window w : windows()) {
            Instant cutoff = now.minus(Duration.ofDays(w.days()));
            Optional<UUID> newest = QuarkusTransaction.requiringNew()
                    .call(() -> backups.newestCompleted(w.projectId()).map(b -> b.id));
            List<Backup> old = QuarkusTransaction.requiringNew()
                    .call(() -> backups.list(
                            "projectId = ?1 and status = ?2 and createdAt < ?3",
                            w.projectId(),
                            BackupStatus.COMPLETED,
                            cutoff));
            for (Backup b : old) {
                if (newest.filter(b.id::equals).isPresent()) {
                    LOG.infof(
                            "retention keeps backup %s of project %s: it is the newest completed one",
                            b.id, b.projectId);
                } else if (pins.isPinned(b.backupKey)) {
                    LOG.infof("retention keeps backup %s of project %s: a restore point pins it", b.id, b.projectId);
                } else {
                    markDeleting(b.id, "older than the " + w.days() + "-day retention window");
                }
            }
        }
        // Finish every deletion, including those a crashed pass left half-done.
        List<Backup> deleting =
                QuarkusTransaction.requiringNew().call(() -> backups.list("status", BackupStatus.DELETING));
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

    /**
     * Scheduled projects use their schedule's window. A deleted project without a schedule gets the default
     * window, so its backups do not stay forever; a live project without a schedule keeps its backups.
     */
    @SuppressWarnings("unchecked")
    private List<Window> windows() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Object[]> rows = em.createNativeQuery("""
                    SELECT project_id, retention_days FROM backup_schedule
                    UNION ALL
                    SELECT DISTINCT b.project_id, :fallback FROM backup b
                    JOIN project_read_model p ON p.project_id = b.project_id AND p.status = 'deleted'
                    WHERE NOT EXISTS (SELECT 1 FROM backup_schedule s WHERE s.project_id = b.project_id)""")
                    .setParameter("fallback", ScheduleService.DEFAULT_RETENTION_DAYS)
                    .getResultList();
            return rows.stream()
                    .map(r -> new Window((UUID) r[0], ((Number) r[1]).intValue()))
                    .toList();
        });
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
