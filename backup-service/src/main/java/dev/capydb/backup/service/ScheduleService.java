package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.repository.BackupSchedule;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Daily scheduled backups. Each due slot becomes exactly one backup, whatever the number of replicas (the
 * schedule row is claimed FOR UPDATE SKIP LOCKED, and the slot is unique per project), and a slot missed during
 * downtime runs once, late, with the next slot computed from now rather than replayed.
 */
@ApplicationScoped
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);

    private final EntityManager em;
    private final BackupService backups;
    private final ProjectLookup projects;
    private final BackupConfig config;

    public ScheduleService(EntityManager em, BackupService backups, ProjectLookup projects, BackupConfig config) {
        this.em = em;
        this.backups = backups;
        this.projects = projects;
        this.config = config;
    }

    /** The settings a user sends. */
    public record Settings(Integer hour, Integer minute, Boolean active, Integer retentionDays) {}

    public static final int DEFAULT_HOUR = 3;
    public static final int DEFAULT_RETENTION_DAYS = 7;

    public Optional<BackupSchedule> find(UUID projectId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Optional.ofNullable(em.find(BackupSchedule.class, projectId)));
    }

    public BackupSchedule put(ProjectView project, Settings s) {
        Validation.start()
                .check(s.hour() != null && s.hour() >= 0 && s.hour() <= 23, "hour", "must be 0-23 (UTC)")
                .check(s.minute() != null && s.minute() >= 0 && s.minute() <= 59, "minute", "must be 0-59")
                .check(s.active() != null, "active", "is required (true or false)")
                .check(
                        s.retentionDays() != null && s.retentionDays() >= 1 && s.retentionDays() <= 365,
                        "retention_days",
                        "must be 1-365")
                .orThrow();
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            BackupSchedule existing =
                    em.find(BackupSchedule.class, project.projectId(), LockModeType.PESSIMISTIC_WRITE);
            BackupSchedule sch = existing != null ? existing : new BackupSchedule();
            if (existing == null) {
                sch.projectId = project.projectId();
                sch.orgId = project.orgId();
                sch.createdAt = now;
            }
            sch.hour = s.hour();
            sch.minute = s.minute();
            sch.active = s.active();
            sch.retentionDays = s.retentionDays();
            sch.nextRunAt = s.active() ? Slots.nextAfter(now, s.hour(), s.minute()) : null;
            sch.updatedAt = now;
            if (existing == null) {
                em.persist(sch);
            }
            return sch;
        });
    }

    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "10s")
    void tick() {
        if (config.schedulersEnabled()) {
            runDue(Instant.now());
        }
    }

    /** Creates the backups of every due slot; returns how many this call created. */
    public int runDue(Instant now) {
        int created = 0;
        while (true) {
            Optional<UUID> made = QuarkusTransaction.requiringNew().call(() -> claimOne(now));
            if (made.isEmpty()) {
                return created;
            }
            created++;
        }
    }

    private Optional<UUID> claimOne(Instant now) {
        @SuppressWarnings("unchecked")
        List<BackupSchedule> due = em.createNativeQuery("""
                SELECT * FROM backup_schedule WHERE active AND next_run_at <= ?1
                ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED""", BackupSchedule.class)
                .setParameter(1, now)
                .getResultList();
        if (due.isEmpty()) {
            return Optional.empty();
        }
        BackupSchedule sch = due.get(0);
        Instant slot = sch.nextRunAt;
        sch.lastRunAt = now;
        sch.nextRunAt = Slots.nextAfter(now, sch.hour, sch.minute);
        Optional<ProjectView> project = projects.find(sch.projectId).filter(p -> !p.isDeleted());
        if (project.isEmpty()) {
            sch.active = false;
            LOG.infof("schedule of deleted project %s switched off", sch.projectId);
            return Optional.of(sch.projectId);
        }
        String label = "scheduled-" + slot.truncatedTo(ChronoUnit.MINUTES);
        // The slot is unique per project in the backup table too: a second replica racing here cannot double it.
        backups.request(new BackupService.Request(
                project.get(), label, BackupKind.SCHEDULED, false, null, null, slot, "scheduler"));
        LOG.infof(
                "scheduled backup for project %s, slot %s%s",
                sch.projectId, slot, slot.isBefore(now.minus(1, ChronoUnit.HOURS)) ? " (late: missed while down)" : "");
        return Optional.of(sch.projectId);
    }

    /** project.deleted: the schedule stops; existing backups stay until their retention (see README). */
    public void projectDeleted(UUID projectId) {
        BackupSchedule sch = em.find(BackupSchedule.class, projectId, LockModeType.PESSIMISTIC_WRITE);
        if (sch != null) {
            sch.active = false;
            sch.nextRunAt = null;
            sch.updatedAt = Instant.now();
        }
    }
}
