package dev.capydb.events;

import java.time.Instant;
import java.util.UUID;

/** Every job that ends: {@code job.completed} or {@code job.failed}, with its kind and the resource it made. */
public record JobPayload(
        UUID jobId,
        String jobKind,
        String status,
        UUID resourceId,
        String error,
        Instant startedAt,
        Instant completedAt)
        implements EventPayload {}
