package dev.capydb.restore.repository;

import java.util.Set;

/** A restore job's state. Overwrites are never re-run after a worker dies: they fail (the target is intact). */
public enum RestoreStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED;

    public Set<RestoreStatus> next() {
        return switch (this) {
            case PENDING -> Set.of(RUNNING, FAILED);
            case RUNNING -> Set.of(COMPLETED, FAILED, PENDING);
            case COMPLETED, FAILED -> Set.of();
        };
    }

    public RestoreStatus moveTo(RestoreStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a restore cannot go from " + this + " to " + target);
        }
        return target;
    }

    public String wire() {
        return name().toLowerCase();
    }
}
