package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** A preview database of a project: ready, about to expire, or expired (dropped). */
public record PreviewPayload(
        UUID previewId,
        UUID projectId,
        String name,
        String status,
        String hostId,
        String databaseName,
        Instant expiresAt)
        implements EventPayload {}
