package dev.capydb.chassis.readmodel;

import java.util.UUID;

/** What a service needs to know of a project to authorize a call and find its database. */
public record ProjectView(
        UUID projectId,
        String orgId,
        String name,
        String region,
        String plan,
        long storageLimitBytes,
        String hostId,
        String databaseName,
        String roleName,
        String status,
        boolean pitrAvailable) {

    public boolean isActive() {
        return "active".equals(status);
    }

    public boolean isDeleted() {
        return "deleted".equals(status);
    }
}
