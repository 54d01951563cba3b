package dev.capydb.backup.repository;

import java.util.Set;

/** A backup's (and its job's) state, with the legal transitions. */
public enum BackupStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    /** Retention decided to remove it; the object is being deleted (retried after a crash). */
    DELETING,
    /** Removed by retention; the row stays so the decision is visible. */
    EXPIRED;

    public Set<BackupStatus> next() {
        return switch (this) {
            case PENDING -> Set.of(RUNNING, FAILED);
            // A dead worker's backup goes back to PENDING: backups are safe to re-run.
            case RUNNING -> Set.of(COMPLETED, FAILED, PENDING);
            case COMPLETED -> Set.of(DELETING);
            case DELETING -> Set.of(EXPIRED);
            case FAILED, EXPIRED -> Set.of();
        };
    }

    public BackupStatus moveTo(BackupStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a backup cannot go from " + this + " to " + target);
        }
        return target;
    }

    public String wire() {
        return name().toLowerCase();
    }

    /** The job view of this state ({@code pending|running|completed|failed}). */
    public boolean finished() {
        return this != PENDING && this != RUNNING;
    }
}
