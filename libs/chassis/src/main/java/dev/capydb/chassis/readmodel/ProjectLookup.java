package dev.capydb.chassis.readmodel;

import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.UUID;

/** Finds a project by id: from the read model, or in project-service from its own table. */
public interface ProjectLookup {

    /** Blocking: for worker threads (jobs, consumers), never an event loop. */
    Optional<ProjectView> find(UUID projectId);

    /** For reactive code: completes on the caller's Vert.x context. */
    Uni<Optional<ProjectView>> findReactive(UUID projectId);
}
