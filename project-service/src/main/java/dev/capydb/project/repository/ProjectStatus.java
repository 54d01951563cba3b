package dev.capydb.project.repository;

import java.util.Set;

/** A project's lifecycle state, with the transitions allowed from each. */
public enum ProjectStatus {
    ACTIVE,
    RESTORING,
    IMPORTING,
    DELETED;

    public Set<ProjectStatus> next() {
        return switch (this) {
            case ACTIVE -> Set.of(RESTORING, IMPORTING, DELETED);
            case RESTORING, IMPORTING -> Set.of(ACTIVE);
            case DELETED -> Set.of();
        };
    }

    public ProjectStatus moveTo(ProjectStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a project cannot go from " + this + " to " + target);
        }
        return target;
    }

    public String wire() {
        return name().toLowerCase();
    }
}
