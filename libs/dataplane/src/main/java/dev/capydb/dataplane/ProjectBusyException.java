package dev.capydb.dataplane;

import java.util.UUID;

/** Another lifecycle operation holds the project's lock. */
public class ProjectBusyException extends Exception {

    private final UUID projectId;

    public ProjectBusyException(UUID projectId, LockMode wanted) {
        super("project " + projectId + " is busy with another operation (wanted a "
                + wanted.name().toLowerCase() + " lock)");
        this.projectId = projectId;
    }

    public UUID projectId() {
        return projectId;
    }
}
