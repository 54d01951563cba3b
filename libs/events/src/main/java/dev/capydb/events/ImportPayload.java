package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/**
 * An import's outcome. {@code source} names where the data came from without any secret: a masked URL
 * ({@code postgres://app:****@db.example.com:5432/shop}) or the uploaded file's name.
 */
public record ImportPayload(
        UUID importId,
        UUID projectId,
        String sourceKind,
        String source,
        boolean recreate,
        String status,
        Long sizeBytes,
        String error,
        Instant createdAt,
        Instant completedAt)
        implements EventPayload {}
