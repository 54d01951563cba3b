package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Full snapshot of a project carried by every {@code project.*} event, so that the compacted
 * {@code capydb.projects} topic alone rebuilds any read model. {@code version} grows with each change.
 */
public record ProjectPayload(
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
        boolean pitrAvailable,
        long version,
        Instant createdAt,
        Instant updatedAt)
        implements EventPayload {}
