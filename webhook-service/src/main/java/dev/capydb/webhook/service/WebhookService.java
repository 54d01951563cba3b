package dev.capydb.webhook.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.quota.Quota;
import dev.capydb.chassis.quota.QuotaLock;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.events.EventType;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.delivery.Dispatcher;
import dev.capydb.webhook.delivery.Signer;
import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.Webhook;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Webhook endpoints: validated and vetted URLs, event-type filters, secrets (once), rotation, tests, redelivery.
 *
 * <p>Over 300 lines because every endpoint operation is here, each a few lines, beside the URL vetting they share.
 */
@ApplicationScoped
public class WebhookService {

    /** Every event type an endpoint may subscribe to. */
    public static final List<String> SUBSCRIBABLE = Arrays.stream(EventType.values())
            .filter(EventType::isPublic)
            .map(EventType::wireName)
            .toList();

    public static final int MAX_URL = 2048;
    public static final int MAX_DESCRIPTION = 500;

    private final SecretBox box;
    private final EgressGate gate;
    private final FanOut fanOut;
    private final Dispatcher dispatcher;
    private final WebhookConfig config;
    private final QuotaLock quotaLock;

    public WebhookService(
            SecretBox box,
            EgressGate gate,
            FanOut fanOut,
            Dispatcher dispatcher,
            WebhookConfig config,
            QuotaLock quotaLock) {
        this.quotaLock = quotaLock;
        this.box = box;
        this.gate = gate;
        this.fanOut = fanOut;
        this.dispatcher = dispatcher;
        this.config = config;
    }

    /** A created endpoint and its secret, which is shown this once. */
    public record Created(Webhook webhook, String secret) {}

    public Created create(ProjectView project, String url, String description, List<String> eventTypes) {
        String checkedUrl = vetUrl(url);
        Validation.start()
                .check(
                        description == null || description.length() <= MAX_DESCRIPTION,
                        "description",
                        "must be at most " + MAX_DESCRIPTION + " characters")
                .orThrow();
        String types = eventTypes(eventTypes == null ? SUBSCRIBABLE : eventTypes);
        UUID projectId = project.projectId();
        String secret = Signer.newSecret();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Webhook w = new Webhook();
        w.id = UUID.randomUUID();
        w.projectId = projectId;
        w.orgId = project.orgId();
        w.url = checkedUrl;
        w.description = description;
        w.eventTypes = types;
        w.status = Webhook.ACTIVE;
        w.secretSealed = box.seal(secret, Webhook.SECRET.aad(w.id));
        w.createdAt = now;
        w.updatedAt = now;
        QuarkusTransaction.requiringNew().run(() -> {
            quotaLock.hold("project-webhooks:" + projectId);
            quota(projectId)
                    .requireRoomFor(
                            "project " + projectId + " has reached its webhook limit",
                            "GET /v1/projects/" + projectId + "/webhooks/limits");
            w.persist();
        });
        return new Created(w, secret);
    }

    /** How many endpoints the project has, of how many it may have (counted in the caller's transaction, if any). */
    public Quota quota(UUID projectId) {
        return QuarkusTransaction.joiningExisting()
                .call(() -> new Quota(config.maxPerProject(), Webhook.count("projectId", projectId)));
    }

    public Webhook get(UUID projectId, UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Webhook.<Webhook>findByIdOptional(id)
                        .filter(w -> w.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("webhook " + id)));
    }

    public Page<Webhook> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        Webhook.<Webhook>find(k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                                .page(0, k.fetch())
                                .list(),
                        w -> new Cursor(w.createdAt, w.id)));
    }

    /** {@code PATCH}: any of url, description, event types; {@code active: true} re-enables a disabled endpoint. */
    public Webhook update(
            UUID projectId, UUID id, String url, String description, List<String> eventTypes, Boolean active) {
        String checkedUrl = url == null ? null : vetUrl(url);
        Validation.start()
                .check(
                        description == null || description.length() <= MAX_DESCRIPTION,
                        "description",
                        "must be at most " + MAX_DESCRIPTION + " characters")
                .orThrow();
        String types = eventTypes == null ? null : eventTypes(eventTypes);
        Webhook updated = QuarkusTransaction.requiringNew().call(() -> {
            Webhook w = Webhook.<Webhook>findByIdOptional(id)
                    .filter(x -> x.projectId.equals(projectId))
                    .orElseThrow(() -> ApiException.notFound("webhook " + id));
            if (checkedUrl != null) {
                w.url = checkedUrl;
            }
            if (description != null) {
                w.description = description;
            }
            if (types != null) {
                w.eventTypes = types;
            }
            if (active != null) {
                w.status = active ? Webhook.ACTIVE : Webhook.DISABLED;
                w.disabledReason = active ? null : "disabled by a user";
            }
            w.updatedAt = Instant.now();
            return w;
        });
        dispatcher.wake();
        return updated;
    }

    public void delete(UUID projectId, UUID id) {
        QuarkusTransaction.requiringNew().run(() -> {
            Webhook w = Webhook.<Webhook>findByIdOptional(id)
                    .filter(x -> x.projectId.equals(projectId))
                    .orElseThrow(() -> ApiException.notFound("webhook " + id));
            w.delete();
        });
    }

    /** A new secret; the old one keeps signing (a second signature) for the grace period. */
    public Created rotateSecret(UUID projectId, UUID id) {
        String secret = Signer.newSecret();
        Webhook w = QuarkusTransaction.requiringNew().call(() -> {
            Webhook x = Webhook.<Webhook>findByIdOptional(id)
                    .filter(h -> h.projectId.equals(projectId))
                    .orElseThrow(() -> ApiException.notFound("webhook " + id));
            // Each column's value is bound to that column, so the old secret is sealed again for its new place.
            x.previousSecretSealed =
                    box.seal(box.open(x.secretSealed, Webhook.SECRET.aad(x.id)), Webhook.PREVIOUS_SECRET.aad(x.id));
            x.previousSecretExpiresAt = Instant.now().plus(config.secretGrace()).truncatedTo(ChronoUnit.MICROS);
            x.secretSealed = box.seal(secret, Webhook.SECRET.aad(x.id));
            x.updatedAt = Instant.now();
            return x;
        });
        return new Created(w, secret);
    }

    public Delivery test(UUID projectId, UUID id) {
        Delivery d = QuarkusTransaction.requiringNew().call(() -> {
            Webhook w = Webhook.<Webhook>findByIdOptional(id)
                    .filter(h -> h.projectId.equals(projectId))
                    .orElseThrow(() -> ApiException.notFound("webhook " + id));
            requireActive(w);
            return fanOut.enqueueTest(w);
        });
        dispatcher.wake();
        return d;
    }

    public Page<Delivery> deliveries(UUID projectId, UUID webhookId, String status, String cursor, Integer limit) {
        get(projectId, webhookId);
        if (status != null
                && Arrays.stream(DeliveryStatus.values())
                        .noneMatch(s -> s.wire().equals(status))) {
            throw ApiException.invalid("status", "must be pending, delivered or failed");
        }
        Keyset k = Keyset.of(cursor, limit);
        Map<String, Object> params = k.params(Map.of("webhook", webhookId));
        String where = "webhookId = :webhook";
        if (status != null) {
            where += " and status = :status";
            params.put("status", status);
        }
        String query = k.query(where);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        Delivery.<Delivery>find(query, params)
                                .page(0, k.fetch())
                                .list(),
                        d -> new Cursor(d.createdAt, d.id)));
    }

    public Delivery delivery(UUID projectId, UUID deliveryId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Delivery.<Delivery>findByIdOptional(deliveryId)
                        .filter(d -> d.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("delivery " + deliveryId)));
    }

    /** Sends a finished delivery again (same body and webhook-id), with a fresh retry schedule. */
    public Delivery redeliver(UUID projectId, UUID deliveryId) {
        Delivery d = QuarkusTransaction.requiringNew().call(() -> {
            Delivery x = Delivery.<Delivery>findByIdOptional(deliveryId)
                    .filter(h -> h.projectId.equals(projectId))
                    .orElseThrow(() -> ApiException.notFound("delivery " + deliveryId));
            if (x.state() == DeliveryStatus.PENDING) {
                throw ApiException.conflict(
                        "delivery_pending",
                        "this delivery is still being attempted (next attempt at " + x.nextAttemptAt + ")");
            }
            requireActive(Webhook.findById(x.webhookId));
            x.become(DeliveryStatus.PENDING);
            x.attempts = 0;
            x.nextAttemptAt = Instant.now();
            x.leasedUntil = null;
            return x;
        });
        dispatcher.wake();
        return d;
    }

    private static void requireActive(Webhook w) {
        if (!Webhook.ACTIVE.equals(w.status)) {
            throw ApiException.conflict(
                    "webhook_disabled",
                    "the webhook is disabled (" + w.disabledReason
                            + "); re-enable it with PATCH {\"active\": true} first");
        }
    }

    /** Syntax first, then the address rules (again at every delivery): https only, public addresses only. */
    private String vetUrl(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("url", "is required");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ApiException.invalid("url", "is not a valid URL");
        }
        boolean devHttp = gate.allowsLoopback() && "http".equalsIgnoreCase(uri.getScheme());
        Validation.start()
                .check(url.length() <= MAX_URL, "url", "must be at most " + MAX_URL + " characters")
                .check("https".equalsIgnoreCase(uri.getScheme()) || devHttp, "url", "must start with https://")
                .check(uri.getHost() != null && !uri.getHost().isEmpty(), "url", "must name a host")
                .check(uri.getRawUserInfo() == null, "url", "must not contain credentials")
                .check(uri.getRawFragment() == null, "url", "must not contain a fragment")
                .orThrow();
        try {
            gate.check(uri.getHost());
        } catch (EgressRefusedException e) {
            throw new ApiException(422, "target_not_public", "webhook URL refused: " + e.getMessage());
        }
        return uri.toString();
    }

    private static String eventTypes(List<String> requested) {
        if (requested.isEmpty()) {
            throw ApiException.invalid("event_types", "must name at least one event type");
        }
        Set<String> unknown = requested.stream()
                .filter(t -> !SUBSCRIBABLE.contains(t))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!unknown.isEmpty()) {
            throw ApiException.invalid(
                    "event_types",
                    "unknown event type(s) " + String.join(", ", unknown) + "; known: "
                            + String.join(", ", SUBSCRIBABLE));
        }
        return String.join(",", new LinkedHashSet<>(requested));
    }
}
