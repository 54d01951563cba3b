package dev.capydb.chassis.readmodel;

import dev.capydb.chassis.security.OrgRole;

/** What a caller wants to do to a project, and the org role it needs. */
public enum ProjectAction {
    /** Look at the project and its resources. */
    READ(OrgRole.MEMBER),
    /** Start non-destructive work: a backup, a restore into a new preview, a preflight. */
    OPERATE(OrgRole.MEMBER),
    /** Destroy or overwrite data: production restores, deletes. */
    DESTROY(OrgRole.ADMIN);

    private final OrgRole needs;

    ProjectAction(OrgRole needs) {
        this.needs = needs;
    }

    public OrgRole needs() {
        return needs;
    }
}
