package dev.capydb.chassis.readmodel;

import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.chassis.consistency.ConsistencyConfig;
import dev.capydb.chassis.errors.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The early "project is busy" answer (409 {@code project_busy}), given only on the project's current status. A
 * project's status travels two hops: a restore or import announces its end, project-service applies that and
 * announces the project active again, and only then does this service's copy change. A client that saw the restore
 * {@code completed} and asks for a backup at once must not be told the project is still restoring, so a copy that
 * shows the project busy first lets both hops catch up (Kafka offsets only) and looks again. An active project
 * costs nothing. This is the API's early answer; the worker's project lock is what really keeps two jobs apart.
 */
@ApplicationScoped
public class ProjectBusy {

    private final ProjectLookup lookup;
    private final CatchUp catchUp;
    private final ConsistencyConfig config;

    public ProjectBusy(ProjectLookup lookup, CatchUp catchUp, ConsistencyConfig config) {
        this.lookup = lookup;
        this.catchUp = catchUp;
        this.config = config;
    }

    /** Refuses unless the project is active once its status has caught up; {@code then} tells the caller what to do. */
    public ProjectView requireActive(ProjectView project, String then) {
        if (project.isActive()) {
            return project;
        }
        String key = project.projectId().toString();
        for (String source : config.statusSources()) {
            int colon = source.lastIndexOf(':');
            catchUp.awaitReaders(source.substring(0, colon), key, List.of(source.substring(colon + 1)));
        }
        catchUp.awaitApplied(ProjectAccess.FEED, key);
        ProjectView now = lookup.find(project.projectId()).orElse(project);
        if (!now.isActive()) {
            throw ApiException.projectBusy("project is " + now.status() + "; " + then);
        }
        return now;
    }
}
