package dev.capydb.events;

import java.util.UUID;

/** A step of a cutover request's saga; {@code backup_id} once the pre-cutover backup exists, {@code reason} on failure. */
public record CutoverPayload(
        UUID requestId,
        UUID projectId,
        UUID previewId,
        String status,
        String externalTicketRef,
        UUID backupId,
        String reason)
        implements EventPayload {}
