package dev.capydb.webhook.rest;

import dev.capydb.chassis.quota.Quota;
import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.Integration;
import dev.capydb.webhook.repository.Webhook;
import dev.capydb.webhook.service.WebhookService;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the webhook, integration and audit APIs. */
public final class WebhookDtos {

    private static final String URL = "The endpoint deliveries are POSTed to: https, no credentials or fragment";
    private static final String EVENT_TYPES = "Event types to receive, e.g. backup.completed, restore.completed, "
            + "import.failed, cutover.completed, preview.expiring";

    private WebhookDtos() {}

    /** {@code POST …/webhooks}; {@code event_types} defaults to every public type. */
    @Schema(
            example = "{\"url\": \"https://hooks.example.com/capydb\", \"description\": \"Ops alerts\", "
                    + "\"event_types\": [\"backup.completed\", \"backup.failed\", \"restore.completed\"]}")
    public record CreateWebhook(
            @Schema(required = true, maxLength = WebhookService.MAX_URL, description = URL)
            String url,

            @Schema(maxLength = WebhookService.MAX_DESCRIPTION)
            String description,

            @Schema(minItems = 1, description = EVENT_TYPES + " (default: all of them)")
            List<String> eventTypes) {}

    /** {@code PATCH …/webhooks/{id}}: only the fields given change. */
    @Schema(example = "{\"active\": false}")
    public record UpdateWebhook(
            @Schema(maxLength = WebhookService.MAX_URL, description = URL)
            String url,

            @Schema(maxLength = WebhookService.MAX_DESCRIPTION)
            String description,

            @Schema(minItems = 1, description = EVENT_TYPES) List<String> eventTypes,

            @Schema(description = "false pauses deliveries; true re-enables a disabled endpoint")
            Boolean active) {}

    /** An endpoint; {@code secret} only in the answer to creation and rotation. */
    public record WebhookBody(
            UUID id,
            UUID projectId,
            String url,
            @Schema(nullable = true) String description,
            List<String> eventTypes,
            @Schema(enumeration = {"active", "disabled"}) String status,
            @Schema(nullable = true) String disabledReason,
            @Schema(nullable = true) String secret,
            @Schema(nullable = true) Instant previousSecretExpiresAt,
            Instant createdAt,
            Instant updatedAt) {
        static WebhookBody of(Webhook w, String secret) {
            return new WebhookBody(
                    w.id,
                    w.projectId,
                    w.url,
                    w.description,
                    w.eventTypeList(),
                    w.status,
                    w.disabledReason,
                    secret,
                    w.previousSecretExpiresAt,
                    w.createdAt,
                    w.updatedAt);
        }
    }

    /** A delivery as listed: where it stands and what the endpoint last answered. */
    public record DeliveryBody(
            UUID id,
            UUID webhookId,
            String eventId,
            String eventType,
            String messageId,

            @Schema(enumeration = {"pending", "delivered", "failed"})
            String status,

            int attempts,
            @Schema(nullable = true) Integer lastStatusCode,
            @Schema(nullable = true) String lastError,
            @Schema(nullable = true) Instant lastAttemptAt,
            @Schema(nullable = true) Instant nextAttemptAt,
            @Schema(nullable = true) Instant deliveredAt,
            Instant createdAt) {
        static DeliveryBody of(Delivery d) {
            return new DeliveryBody(
                    d.id,
                    d.webhookId,
                    d.eventId,
                    d.eventType,
                    d.messageId,
                    d.status,
                    d.attempts,
                    d.lastStatusCode,
                    d.lastError,
                    d.lastAttemptAt,
                    d.nextAttemptAt,
                    d.deliveredAt,
                    d.createdAt);
        }
    }

    /** {@code POST …/integrations}. */
    @Schema(
            example = "{\"provider\": \"vercel\", \"access_token\": \"vercel_pat_…\", "
                    + "\"project_id\": \"prj_8sd7f6g5h4\", \"targets\": [\"production\", \"preview\"]}")
    public record CreateIntegration(
            @Schema(
                    required = true,
                    enumeration = {"vercel", "netlify"})
            String provider,

            @Schema(
                    required = true,
                    minLength = 1,
                    maxLength = 512,
                    description = "The provider's API token; stored encrypted, never returned")
            String accessToken,

            @Schema(minLength = 1, maxLength = 200, description = "The Vercel project (vercel)")
            String projectId,

            @Schema(minLength = 1, maxLength = 200, description = "The Vercel team (vercel, optional)")
            String teamId,

            @Schema(description = "Vercel environments to write: production, preview, development (default all)")
            List<String> targets,

            @Schema(minLength = 1, maxLength = 200, description = "The Netlify account (netlify)")
            String accountId,

            @Schema(minLength = 1, maxLength = 200, description = "The Netlify site (netlify)")
            String siteId) {}

    /** An integration without its token, with the last env push's outcome. */
    public record IntegrationBody(
            UUID id,
            UUID projectId,
            @Schema(enumeration = {"vercel", "netlify"}) String provider,
            @Schema(nullable = true) String vercelProjectId,
            @Schema(nullable = true) String teamId,
            @Schema(nullable = true) List<String> targets,
            @Schema(nullable = true) String accountId,
            @Schema(nullable = true) String siteId,
            @Schema(nullable = true) LastSync lastSync,
            Instant createdAt) {
        static IntegrationBody of(Integration i) {
            return new IntegrationBody(
                    i.id,
                    i.projectId,
                    i.provider,
                    i.targetProjectId,
                    i.teamId,
                    i.targets == null ? null : Arrays.asList(i.targets.split(",")),
                    i.accountId,
                    i.siteId,
                    i.lastSyncStatus == null
                            ? null
                            : new LastSync(i.lastSyncStatus, i.lastSyncAt, i.lastSyncError, i.lastSyncEvent),
                    i.createdAt);
        }
    }

    /** The last env push: {@code pending}, {@code retrying}, {@code succeeded} or {@code failed}. */
    public record LastSync(
            @Schema(enumeration = {"pending", "retrying", "succeeded", "failed"})
            String status,

            @Schema(nullable = true) Instant at,
            @Schema(nullable = true) String error,

            @Schema(enumeration = {"restore.completed", "import.completed", "cutover.completed"})
            String trigger) {}

    /** {@code GET …/webhooks/limits}: how many endpoints the project may have, and has. */
    public record WebhookLimitsBody(
            UUID projectId,
            @Schema(description = "Webhook endpoints") Quota webhooks) {}
}
