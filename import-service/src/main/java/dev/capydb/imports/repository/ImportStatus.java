package dev.capydb.imports.repository;

import java.util.Set;

/** An import job's state. An import whose worker died is never re-run: it fails (its target was not swapped). */
public enum ImportStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED;

    public Set<ImportStatus> next() {
        return switch (this) {
            case PENDING -> Set.of(RUNNING, FAILED);
            case RUNNING -> Set.of(COMPLETED, FAILED);
            case COMPLETED, FAILED -> Set.of();
        };
    }

    public ImportStatus moveTo(ImportStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("an import cannot go from " + this + " to " + target);
        }
        return target;
    }

    public boolean isFinal() {
        return next().isEmpty();
    }

    public String wire() {
        return name().toLowerCase();
    }
}
