package dev.capydb.chassis.readmodel;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.security.Caller;
import dev.capydb.chassis.security.OrgRole;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Authorizes the caller against a project. Another org's project, or a deleted one, is 404 (its existence is
 * not revealed); a member asking for an admin action is 403.
 */
@ApplicationScoped
public class ProjectAccess {

    private final ProjectLookup lookup;
    private final Caller caller;

    public ProjectAccess(ProjectLookup lookup, Caller caller) {
        this.lookup = lookup;
        this.caller = caller;
    }

    public ProjectView authorize(UUID projectId, ProjectAction action) {
        ProjectView project = lookup.find(projectId).filter(p -> !p.isDeleted())
                .orElseThrow(() -> ApiException.notFound("project " + projectId));
        Optional<OrgRole> role = caller.principal().roleIn(project.orgId());
        if (role.isEmpty()) {
            throw ApiException.notFound("project " + projectId);
        }
        if (!role.get().atLeast(action.needs())) {
            throw ApiException.forbidden("this action needs the org " + action.needs().name().toLowerCase()
                    + " role in " + project.orgId());
        }
        return project;
    }
}
