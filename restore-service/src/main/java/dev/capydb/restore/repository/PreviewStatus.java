package dev.capydb.restore.repository;

import java.util.Set;

/** A preview's lifecycle, with its legal transitions. */
public enum PreviewStatus {
    CREATING,
    READY,
    FAILED,
    EXPIRED,
    DELETED;

    public Set<PreviewStatus> next() {
        return switch (this) {
            case CREATING -> Set.of(READY, FAILED, DELETED);
            case READY -> Set.of(EXPIRED, DELETED);
            case FAILED, EXPIRED, DELETED -> Set.of();
        };
    }

    public PreviewStatus moveTo(PreviewStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a preview cannot go from " + this + " to " + target);
        }
        return target;
    }

    public boolean live() {
        return this == CREATING || this == READY;
    }

    public String wire() {
        return name().toLowerCase();
    }
}
