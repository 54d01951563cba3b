package dev.capydb.webhook.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A claimed delivery ready to be sent: what to POST where, signed with which secrets, as which attempt. */
public record Attempt(
        UUID deliveryId,
        UUID webhookId,
        String url,
        String messageId,
        String body,
        int attempt,
        List<String> secrets,
        Instant startedAt) {}
