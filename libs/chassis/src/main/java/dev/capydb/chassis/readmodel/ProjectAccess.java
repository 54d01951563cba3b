package dev.capydb.chassis.readmodel;

import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.chassis.consistency.Feed;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.security.Caller;
import dev.capydb.chassis.security.OrgRole;
import dev.capydb.chassis.security.Principal;
import dev.capydb.chassis.threading.BlockingWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Authorizes the caller against a project. Another org's project, or a deleted one, is 404 (its existence is
 * not revealed); a member asking for an admin action is 403.
 */
@ApplicationScoped
public class ProjectAccess {

    private static final Logger LOG = Logger.getLogger(ProjectAccess.class);

    /** The incoming channel that feeds the project read model, and its inbox consumer. */
    static final Feed FEED = new Feed("projects", ProjectReadModelConsumer.CONSUMER);

    private final ProjectLookup lookup;
    private final Caller caller;
    private final CatchUp catchUp;
    private final BlockingWork blocking;

    public ProjectAccess(ProjectLookup lookup, Caller caller, CatchUp catchUp, BlockingWork blocking) {
        this.lookup = lookup;
        this.caller = caller;
        this.catchUp = catchUp;
        this.blocking = blocking;
    }

    /** Blocking, for worker threads. */
    public ProjectView authorize(UUID projectId, ProjectAction action) {
        return allowed(caller.principal(), projectId, action, find(projectId));
    }

    /** {@link #authorize} for reactive resources: a catch-up wait, when one is needed, runs on the blocking pool. */
    public Uni<ProjectView> authorizeReactive(UUID projectId, ProjectAction action) {
        // The caller first, before any hop to another thread: it is request-scoped.
        return caller.principalReactive()
                .chain(who -> findReactive(projectId).map(found -> allowed(who, projectId, action, found)));
    }

    private static ProjectView allowed(
            Principal who, UUID projectId, ProjectAction action, Optional<ProjectView> found) {
        ProjectView project =
                found.filter(p -> !p.isDeleted()).orElseThrow(() -> ApiException.notFound("project " + projectId));
        Optional<OrgRole> role = who.roleIn(project.orgId());
        if (role.isEmpty()) {
            throw ApiException.notFound("project " + projectId);
        }
        if (!role.get().atLeast(action.needs())) {
            throw ApiException.forbidden(
                    "this action needs the org " + action.needs().name().toLowerCase() + " role in " + project.orgId());
        }
        return project;
    }

    /**
     * The project, if known here; one this service has not heard of yet (created an instant ago) is looked for again
     * once the read model has applied everything Kafka holds for it, so a project the API acknowledged is never 404.
     */
    public Optional<ProjectView> find(UUID projectId) {
        Optional<ProjectView> project = lookup.find(projectId);
        if (project.isEmpty() && catchUp.awaitApplied(FEED, projectId.toString())) {
            project = notFoundAfterCatchUp(projectId, lookup.find(projectId));
        }
        return project;
    }

    /** {@link #find} for reactive code. */
    public Uni<Optional<ProjectView>> findReactive(UUID projectId) {
        return lookup.findReactive(projectId)
                .chain(project -> project.isPresent()
                        ? Uni.createFrom().item(project)
                        : blocking.call(() -> catchUp.awaitApplied(FEED, projectId.toString()))
                                .chain(caughtUp -> caughtUp
                                        ? lookup.findReactive(projectId).map(p -> notFoundAfterCatchUp(projectId, p))
                                        : Uni.createFrom().item(project)));
    }

    private static Optional<ProjectView> notFoundAfterCatchUp(UUID projectId, Optional<ProjectView> project) {
        if (project.isEmpty()) {
            // Normal for an id that never existed; for one the API just created it is a read-your-writes bug,
            // and the catch-up's line before this one says what it waited for.
            LOG.infof("project %s is not known here, also after catching up", projectId);
        }
        return project;
    }
}
