package dev.capydb.webhook.delivery;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.outbox.ReactiveOutbox;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.threading.Await;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.WebhookDeliveryPayload;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.Statements;
import dev.capydb.webhook.repository.Webhook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The dispatcher's database side: claims due deliveries with a lease ({@code SKIP LOCKED}, so N replicas never
 * send the same attempt twice) and records each attempt's outcome in one transaction.
 *
 * <p>Over 300 lines because claiming and recording are one lease protocol on the delivery table; kept together so
 * its locking reads as a whole.
 */
@ApplicationScoped
public class DeliveryStore {

    private static final Logger LOG = Logger.getLogger(DeliveryStore.class);

    private final Pool pool;
    private final ReactiveTransactions transactions;
    private final SecretBox secrets;
    private final RetrySchedule schedule;
    private final ReactiveOutbox outbox;
    private final WebhookConfig config;
    private final MeterRegistry metrics;
    private final Timer latency;

    public DeliveryStore(
            Pool pool,
            ReactiveTransactions transactions,
            SecretBox secrets,
            RetrySchedule schedule,
            ReactiveOutbox outbox,
            WebhookConfig config,
            MeterRegistry metrics) {
        this.pool = pool;
        this.transactions = transactions;
        this.secrets = secrets;
        this.schedule = schedule;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.latency = Timer.builder("capydb.webhook.delivery.latency")
                .description("From the event's time to its delivery's acknowledgement by the endpoint")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /**
     * Leases up to {@code limit} due deliveries of active endpoints, oldest first, at most {@code perEndpoint} minus
     * the attempts already in flight ({@code busy}) per endpoint, counting each as a started attempt.
     */
    public List<Attempt> claim(int limit, int perEndpoint, Map<UUID, Integer> busy) {
        long leaseSeconds = config.requestTimeout().toSeconds() + 30;
        // The dispatcher's own thread waits for the claim; the secrets are opened back on it, off the event loop.
        RowSet<Row> rows = Await.reactive(() -> pool.withTransaction(c -> c.preparedQuery("""
                         WITH candidate AS (
                           SELECT x.id, x.rn, w.id AS webhook_id
                             FROM webhook w CROSS JOIN LATERAL (
                                  SELECT d.id, row_number() OVER (ORDER BY d.next_attempt_at) AS rn
                                    FROM webhook_delivery d
                                   WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                                     AND (d.leased_until IS NULL OR d.leased_until < now())
                                   ORDER BY d.next_attempt_at LIMIT $1) x
                            WHERE w.status = 'active'),
                         busy AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS b(webhook_id, n)),
                         due AS (
                           SELECT d.id FROM webhook_delivery d JOIN candidate k ON k.id = d.id
                                  LEFT JOIN busy b ON b.webhook_id = k.webhook_id
                            WHERE k.rn <= $4 - coalesce(b.n, 0) AND d.status = 'pending'
                              AND (d.leased_until IS NULL OR d.leased_until < now())
                            ORDER BY d.next_attempt_at LIMIT $5 FOR UPDATE OF d SKIP LOCKED)
                         UPDATE webhook_delivery d
                            SET leased_until = now() + make_interval(secs => $6), attempts = d.attempts + 1,
                                last_attempt_at = now()
                           FROM due, webhook w
                          WHERE d.id = due.id AND w.id = d.webhook_id
                         RETURNING d.id, d.webhook_id, w.url, d.message_id, d.body, d.attempts, w.secret_sealed,
                                   w.previous_secret_sealed, w.previous_secret_expires_at, now()
                         """)
                .execute(Tuple.from(List.of(
                        perEndpoint,
                        busy.keySet().toArray(new UUID[0]),
                        busy.values().toArray(new Integer[0]),
                        perEndpoint,
                        limit,
                        (double) leaseSeconds)))));
        List<Attempt> out = new ArrayList<>();
        for (Row row : rows) {
            Instant now = row.getOffsetDateTime(9).toInstant();
            UUID webhookId = row.getUUID(1);
            List<String> keys = new ArrayList<>();
            keys.add(secrets.open(row.getString(6), Webhook.SECRET.aad(webhookId)));
            OffsetDateTime prevUntil = row.getOffsetDateTime(8);
            if (row.getString(7) != null
                    && prevUntil != null
                    && prevUntil.toInstant().isAfter(now)) {
                keys.add(secrets.open(row.getString(7), Webhook.PREVIOUS_SECRET.aad(webhookId)));
            }
            out.add(new Attempt(
                    row.getUUID(0),
                    webhookId,
                    row.getString(2),
                    row.getString(3),
                    row.getString(4),
                    row.getInteger(5),
                    List.copyOf(keys),
                    now));
        }
        return out;
    }

    /** Gives a claimed attempt back unsent (this replica had no free slot for its endpoint after all). */
    public void release(Attempt a) {
        Await.reactive(() -> pool.preparedQuery("UPDATE webhook_delivery SET leased_until = NULL,"
                        + " attempts = attempts - 1 WHERE id = $1 AND attempts = $2")
                .execute(Tuple.of(a.deliveryId(), a.attempt())));
    }

    /** One finished attempt waiting to be recorded. */
    public record Outcome(Attempt attempt, AttemptResult result, Instant at) {}

    /**
     * Records one attempt: delivered; or the endpoint answered 410 (endpoint disabled); or a failure scheduled for
     * retry; or the last failure (delivery failed, {@code webhook.delivery_exhausted} published).
     */
    public void record(Attempt a, AttemptResult r, Instant now) {
        recordAll(List.of(new Outcome(a, r, now)));
    }

    /**
     * Records several attempts in one transaction (one commit for a whole busy moment instead of one per request).
     * If that fails, each is recorded on its own so one bad row cannot hold back the others; one that still fails
     * keeps its lease, which expires, and the attempt is made again (same {@code webhook-id}).
     *
     * @return how many were recorded
     */
    public int recordAll(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return 0;
        }
        List<String> tags;
        try {
            // One statement at a time in one transaction; the exhausted events it wrote are published after it.
            tags = Await.reactive(() -> transactions.run(() -> {
                Uni<List<String>> recorded = Uni.createFrom().item(new ArrayList<>());
                for (Outcome o : outcomes) {
                    recorded = recorded.chain(list -> recordInTransaction(o.attempt(), o.result(), o.at())
                            .map(tag -> {
                                list.add(tag);
                                return list;
                            }));
                }
                return recorded;
            }));
        } catch (RuntimeException batchFailed) {
            if (outcomes.size() == 1) {
                throw batchFailed;
            }
            int recorded = 0;
            for (Outcome o : outcomes) {
                try {
                    recorded += recordAll(List.of(o));
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "cannot record webhook attempt %d of %s: %s",
                            o.attempt().attempt(), o.attempt().deliveryId(), e.getMessage());
                }
            }
            return recorded;
        }
        // Counted once committed: an attempt whose bookkeeping rolled back is attempted again.
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            Counter.builder("capydb.webhook.deliveries")
                    .description("Webhook delivery attempts by outcome")
                    .tag("outcome", tags.get(i))
                    .register(metrics)
                    .increment();
            if (o.result().delivered()) {
                eventTime(o.attempt())
                        .ifPresent(t -> latency.record(
                                Duration.between(t, o.at()).isNegative()
                                        ? Duration.ZERO
                                        : Duration.between(t, o.at())));
            }
        }
        return outcomes.size();
    }

    /** The {@code timestamp} of the Standard Webhooks body: when the event happened. */
    private static Optional<Instant> eventTime(Attempt a) {
        try {
            String t = EventJson.mapper().readTree(a.body()).path("timestamp").asText(null);
            return t == null ? Optional.empty() : Optional.of(Instant.parse(t));
        } catch (IOException | DateTimeException e) {
            return Optional.empty();
        }
    }

    /** @return the attempt's outcome for the deliveries counter */
    private Uni<String> recordInTransaction(Attempt a, AttemptResult r, Instant now) {
        Integer code = r.statusCode().orElse(null);
        // The webhook (or its whole project) may have been deleted while the request ran, and its deliveries with
        // it: then there is nothing left to record, and a failed insert would fail the outcomes recorded with it.
        return Statements.execute(
                        "INSERT INTO webhook_attempt (delivery_id, attempt, at, status_code, error, duration_ms)"
                                + " SELECT CAST(:p1 AS uuid), CAST(:p2 AS int), CAST(:p3 AS timestamptz),"
                                + " CAST(:p4 AS int), CAST(:p5 AS text), CAST(:p6 AS int)"
                                + " WHERE EXISTS (SELECT 1 FROM webhook_delivery WHERE id = :p7)",
                        a.deliveryId(),
                        a.attempt(),
                        a.startedAt(),
                        code,
                        r.error(),
                        (int) Math.min(Integer.MAX_VALUE, r.durationMs()),
                        a.deliveryId())
                .chain(inserted -> inserted == 0 ? Uni.createFrom().item("discarded") : recordAttempted(a, r, now));
    }

    /** {@link #recordInTransaction} once the attempt row is in. */
    private Uni<String> recordAttempted(Attempt a, AttemptResult r, Instant now) {
        Integer code = r.statusCode().orElse(null);
        if (r.delivered()) {
            return Statements.execute(
                            "UPDATE webhook_delivery SET status = :p1, delivered_at = :p2, leased_until = NULL,"
                                    + " next_attempt_at = NULL, last_status_code = CAST(:p3 AS int),"
                                    + " last_error = NULL WHERE id = :p4",
                            DeliveryStatus.DELIVERED.wire(),
                            now,
                            code,
                            a.deliveryId())
                    .replaceWith("delivered");
        }
        if (r.gone()) {
            return Statements.execute(
                            "UPDATE webhook SET status = 'disabled', disabled_reason = :p1, updated_at = :p2"
                                    + " WHERE id = :p3",
                            "the endpoint answered 410 Gone at " + now,
                            now,
                            a.webhookId())
                    .chain(() -> fail(a, code, "410 Gone: endpoint disabled"))
                    .replaceWith("endpoint_gone");
        }
        Optional<Instant> next = schedule.next(a.attempt(), now, r.retryAfter());
        if (next.isPresent()) {
            return Statements.execute(
                            "UPDATE webhook_delivery SET leased_until = NULL, next_attempt_at = :p1,"
                                    + " last_status_code = CAST(:p2 AS int), last_error = CAST(:p3 AS text)"
                                    + " WHERE id = :p4",
                            next.get(),
                            code,
                            r.error(),
                            a.deliveryId())
                    .replaceWith("retry_scheduled");
        }
        return fail(a, code, r.error())
                .chain(() -> announceExhausted(a, code, r.error()))
                .replaceWith("failed");
    }

    private Uni<Integer> fail(Attempt a, Integer code, String error) {
        return Statements.execute(
                        "UPDATE webhook_delivery SET status = :p1, leased_until = NULL, next_attempt_at = NULL,"
                                + " last_status_code = CAST(:p2 AS int), last_error = CAST(:p3 AS text)"
                                + " WHERE id = :p4",
                        DeliveryStatus.FAILED.wire(),
                        code,
                        error,
                        a.deliveryId())
                .invoke(() -> LOG.infof(
                        "webhook delivery %s to %s failed after %d attempts: %s",
                        a.deliveryId(), a.url(), a.attempt(), error));
    }

    private Uni<Void> announceExhausted(Attempt a, Integer code, String error) {
        return Panache.getSession()
                .chain(s -> s.<Object[]>createNativeQuery(
                                "SELECT d.project_id, w.org_id, d.event_id, d.event_type FROM webhook_delivery d"
                                        + " JOIN webhook w ON w.id = d.webhook_id WHERE d.id = :id",
                                Object[].class)
                        .setParameter("id", a.deliveryId())
                        .getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Object[] row = rows.get(0);
                    UUID projectId = (UUID) row[0];
                    return outbox.publish(EventEnvelope.of(
                            EventType.WEBHOOK_DELIVERY_EXHAUSTED,
                            "webhook-service",
                            (String) row[1],
                            projectId,
                            null,
                            new WebhookDeliveryPayload(
                                    a.deliveryId(),
                                    a.webhookId(),
                                    projectId,
                                    (String) row[2],
                                    (String) row[3],
                                    a.url(),
                                    a.attempt(),
                                    code,
                                    error)));
                });
    }
}
