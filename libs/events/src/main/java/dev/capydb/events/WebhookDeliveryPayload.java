package dev.capydb.events;

import java.util.UUID;

/** A webhook delivery's final state, published when it gives up after its last retry. */
public record WebhookDeliveryPayload(
        UUID deliveryId,
        UUID webhookId,
        UUID projectId,
        String eventId,
        String eventType,
        String url,
        int attempts,
        Integer lastStatusCode,
        String lastError)
        implements EventPayload {}
