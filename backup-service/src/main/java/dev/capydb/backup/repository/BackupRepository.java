package dev.capydb.backup.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Queries on backups: per project newest first, the newest good one, retention candidates. */
@ApplicationScoped
public class BackupRepository implements PanacheRepositoryBase<Backup, UUID> {

    public Optional<Backup> findInProject(UUID projectId, UUID backupId) {
        return findByIdOptional(backupId).filter(b -> b.projectId.equals(projectId));
    }

    public Optional<Backup> findByIdempotencyKey(UUID projectId, String key) {
        return find("projectId = ?1 and idempotencyKey = ?2", projectId, key).firstResultOptional();
    }

    public Optional<Backup> findCompletedByKey(UUID projectId, String backupKey) {
        return find("projectId = ?1 and backupKey = ?2 and status = ?3", projectId, backupKey, BackupStatus.COMPLETED)
                .firstResultOptional();
    }

    /** One page, newest first; expired backups only when asked for. */
    public List<Backup> page(UUID projectId, boolean includeExpired, Instant beforeCreated, UUID beforeId, int limit) {
        String statusFilter = includeExpired ? "" : " and status not in (:hidden)";
        Parameters p = Parameters.with("project", projectId);
        if (!includeExpired) {
            p = p.and("hidden", List.of(BackupStatus.EXPIRED, BackupStatus.DELETING));
        }
        String keyset = "";
        if (beforeCreated != null) {
            keyset = " and (createdAt < :at or (createdAt = :at and id < :id))";
            p = p.and("at", beforeCreated).and("id", beforeId);
        }
        return find("projectId = :project" + statusFilter + keyset + " order by createdAt desc, id desc", p)
                .page(0, limit)
                .list();
    }

    public Optional<Backup> newestCompleted(UUID projectId) {
        return find(
                        "projectId = ?1 and status = ?2 order by completedAt desc, id desc",
                        projectId,
                        BackupStatus.COMPLETED)
                .firstResultOptional();
    }
}
