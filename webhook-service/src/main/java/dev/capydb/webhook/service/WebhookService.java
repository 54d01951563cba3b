package dev.capydb.webhook.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.quota.Quota;
import dev.capydb.chassis.quota.QuotaLock;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.events.EventType;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.delivery.Dispatcher;
import dev.capydb.webhook.delivery.Signer;
import dev.capydb.webhook.repository.Delivery;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.ProjectRows;
import dev.capydb.webhook.repository.Webhook;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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
    private final ReactiveTransactions transactions;
    private final BlockingWork blocking;

    public WebhookService(
            SecretBox box,
            EgressGate gate,
            FanOut fanOut,
            Dispatcher dispatcher,
            WebhookConfig config,
            QuotaLock quotaLock,
            ReactiveTransactions transactions,
            BlockingWork blocking) {
        this.quotaLock = quotaLock;
        this.transactions = transactions;
        this.blocking = blocking;
        this.box = box;
        this.gate = gate;
        this.fanOut = fanOut;
        this.dispatcher = dispatcher;
        this.config = config;
    }

    /** A created endpoint and its secret, which is shown this once. */
    public record Created(Webhook webhook, String secret) {}

    public Uni<Created> create(ProjectView project, String url, String description, List<String> eventTypes) {
        return vetUrlOffLoop(url).chain(checkedUrl -> {
            checkDescription(description);
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
            return transactions.run(() -> quotaLock
                    .holdReactive("project-webhooks:" + projectId)
                    .chain(() -> countedQuota(projectId))
                    .invoke(q -> q.requireRoomFor(
                            "project " + projectId + " has reached its webhook limit",
                            "GET /v1/projects/" + projectId + "/webhooks/limits"))
                    .chain(() -> w.persist())
                    .replaceWith(new Created(w, secret)));
        });
    }

    /** How many endpoints the project has, of how many it may have. */
    public Uni<Quota> quota(UUID projectId) {
        return Panache.withSession(() -> countedQuota(projectId));
    }

    /** {@link #quota} in the caller's session (and transaction, if any). */
    private Uni<Quota> countedQuota(UUID projectId) {
        return Webhook.count("projectId", projectId).map(n -> new Quota(config.maxPerProject(), n));
    }

    public Uni<Webhook> get(UUID projectId, UUID id) {
        return Panache.withSession(() -> find(projectId, id));
    }

    /** The project's webhook, in the caller's session. */
    private static Uni<Webhook> find(UUID projectId, UUID id) {
        return ProjectRows.owned(Webhook.<Webhook>findById(id), w -> w.projectId, projectId, "webhook " + id);
    }

    public Uni<Page<Webhook>> list(UUID projectId, String cursor, Integer limit) {
        return ProjectRows.page(
                Keyset.of(cursor, limit),
                projectId,
                (query, params) -> Webhook.find(query, params),
                w -> new Cursor(w.createdAt, w.id));
    }

    /** {@code PATCH}: any of url, description, event types; {@code active: true} re-enables a disabled endpoint. */
    public Uni<Webhook> update(
            UUID projectId, UUID id, String url, String description, List<String> eventTypes, Boolean active) {
        Uni<String> vetted = url == null ? Uni.createFrom().nullItem() : vetUrlOffLoop(url);
        return vetted.chain(checkedUrl -> {
                    checkDescription(description);
                    String types = eventTypes == null ? null : eventTypes(eventTypes);
                    return transactions.run(() -> find(projectId, id).invoke(w -> {
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
                    }));
                })
                .invoke(dispatcher::wake);
    }

    public Uni<Void> delete(UUID projectId, UUID id) {
        return transactions.run(() -> find(projectId, id).chain(w -> w.delete()).replaceWithVoid());
    }

    /** A new secret; the old one keeps signing (a second signature) for the grace period. */
    public Uni<Created> rotateSecret(UUID projectId, UUID id) {
        String secret = Signer.newSecret();
        return transactions.run(() -> find(projectId, id).map(x -> {
            // Each column's value is bound to that column, so the old secret is sealed again for its new place.
            x.previousSecretSealed =
                    box.seal(box.open(x.secretSealed, Webhook.SECRET.aad(x.id)), Webhook.PREVIOUS_SECRET.aad(x.id));
            x.previousSecretExpiresAt = Instant.now().plus(config.secretGrace()).truncatedTo(ChronoUnit.MICROS);
            x.secretSealed = box.seal(secret, Webhook.SECRET.aad(x.id));
            x.updatedAt = Instant.now();
            return new Created(x, secret);
        }));
    }

    public Uni<Delivery> test(UUID projectId, UUID id) {
        return transactions
                .run(() -> find(projectId, id)
                        .invoke(WebhookService::requireActive)
                        .chain(fanOut::enqueueTest))
                .invoke(dispatcher::wake);
    }

    public Uni<Page<Delivery>> deliveries(UUID projectId, UUID webhookId, String status, String cursor, Integer limit) {
        // The webhook is looked up first, so an unknown one is a 404 whatever else is wrong.
        return Panache.withSession(() -> find(projectId, webhookId).chain(() -> {
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
            return Delivery.<Delivery>find(k.query(where), params)
                    .page(0, k.fetch())
                    .list()
                    .map(rows -> k.page(rows, d -> new Cursor(d.createdAt, d.id)));
        }));
    }

    public Uni<Delivery> delivery(UUID projectId, UUID deliveryId) {
        return Panache.withSession(() -> findDelivery(projectId, deliveryId));
    }

    /** The project's delivery, in the caller's session. */
    private static Uni<Delivery> findDelivery(UUID projectId, UUID deliveryId) {
        return ProjectRows.owned(
                Delivery.<Delivery>findById(deliveryId), d -> d.projectId, projectId, "delivery " + deliveryId);
    }

    /** Sends a finished delivery again (same body and webhook-id), with a fresh retry schedule. */
    public Uni<Delivery> redeliver(UUID projectId, UUID deliveryId) {
        return transactions
                .run(() -> findDelivery(projectId, deliveryId).chain(x -> {
                    if (x.state() == DeliveryStatus.PENDING) {
                        throw ApiException.conflict(
                                "delivery_pending",
                                "this delivery is still being attempted (next attempt at " + x.nextAttemptAt + ")");
                    }
                    return Webhook.<Webhook>findById(x.webhookId).map(w -> {
                        requireActive(w);
                        x.become(DeliveryStatus.PENDING);
                        x.attempts = 0;
                        x.nextAttemptAt = Instant.now();
                        x.leasedUntil = null;
                        return x;
                    });
                }))
                .invoke(dispatcher::wake);
    }

    /** {@link #vetUrl} on the blocking pool: the egress gate resolves the host, which must not block an event loop. */
    private Uni<String> vetUrlOffLoop(String url) {
        return blocking.call(() -> vetUrl(url));
    }

    private static void checkDescription(String description) {
        Validation.start()
                .check(
                        description == null || description.length() <= MAX_DESCRIPTION,
                        "description",
                        "must be at most " + MAX_DESCRIPTION + " characters")
                .orThrow();
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
