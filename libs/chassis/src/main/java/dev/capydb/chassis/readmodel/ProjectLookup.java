package dev.capydb.chassis.readmodel;

import java.util.Optional;
import java.util.UUID;

/** Finds a project by id: from the read model, or in project-service from its own table. */
public interface ProjectLookup {
    Optional<ProjectView> find(UUID projectId);
}
