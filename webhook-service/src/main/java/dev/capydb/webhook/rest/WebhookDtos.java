package dev.capydb.webhook.rest;

import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.Integration;
import dev.capydb.webhook.repository.Webhook;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of the webhook, integration and audit APIs. */
public final class WebhookDtos {

    private WebhookDtos() {
    }

    /** {@code POST …/webhooks}; {@code event_types} defaults to every public type. */
    public record CreateWebhook(String url, String description, List<String> eventTypes) {
    }

    /** {@code PATCH …/webhooks/{id}}: only the fields given change. */
    public record UpdateWebhook(String url, String description, List<String> eventTypes, Boolean active) {
    }

    /** An endpoint; {@code secret} only in the answer to creation and rotation. */
    public record WebhookBody(UUID id, UUID projectId, String url, String description, List<String> eventTypes,
                              String status, String disabledReason, String secret, Instant previousSecretExpiresAt,
                              Instant createdAt, Instant updatedAt) {
        static WebhookBody of(Webhook w, String secret) {
            return new WebhookBody(w.id, w.projectId, w.url, w.description, w.eventTypeList(), w.status,
                    w.disabledReason, secret, w.previousSecretExpiresAt, w.createdAt, w.updatedAt);
        }
    }

    /** A delivery as listed: where it stands and what the endpoint last answered. */
    public record DeliveryBody(UUID id, UUID webhookId, String eventId, String eventType, String messageId, String status,
                               int attempts, Integer lastStatusCode, String lastError, Instant lastAttemptAt,
                               Instant nextAttemptAt, Instant deliveredAt, Instant createdAt) {
        static DeliveryBody of(Delivery d) {
            return new DeliveryBody(d.id, d.webhookId, d.eventId, d.eventType, d.messageId, d.status, d.attempts,
                    d.lastStatusCode, d.lastError, d.lastAttemptAt, d.nextAttemptAt, d.deliveredAt, d.createdAt);
        }
    }

    /** {@code POST …/integrations}. */
    public record CreateIntegration(String provider, String accessToken, String projectId, String teamId,
                                    List<String> targets, String accountId, String siteId) {
    }

    /** An integration without its token, with the last env push's outcome. */
    public record IntegrationBody(UUID id, UUID projectId, String provider, String vercelProjectId, String teamId,
                                  List<String> targets, String accountId, String siteId, LastSync lastSync,
                                  Instant createdAt) {
        static IntegrationBody of(Integration i) {
            return new IntegrationBody(i.id, i.projectId, i.provider, i.targetProjectId, i.teamId,
                    i.targets == null ? null : Arrays.asList(i.targets.split(",")), i.accountId, i.siteId,
                    i.lastSyncStatus == null ? null : new LastSync(i.lastSyncStatus, i.lastSyncAt, i.lastSyncError,
                            i.lastSyncEvent), i.createdAt);
        }
    }

    /** The last env push: {@code pending}, {@code retrying}, {@code succeeded} or {@code failed}. */
    public record LastSync(String status, Instant at, String error, String trigger) {
    }
}
