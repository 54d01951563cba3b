package dev.capydb.webhook.delivery;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.WebhookDeliveryPayload;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.repository.DeliveryStatus;
import dev.capydb.webhook.repository.Webhook;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
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

    private final AgroalDataSource dataSource;
    private final SecretBox secrets;
    private final RetrySchedule schedule;
    private final Outbox outbox;
    private final WebhookConfig config;
    private final MeterRegistry metrics;
    private final Timer latency;

    public DeliveryStore(
            AgroalDataSource dataSource,
            SecretBox secrets,
            RetrySchedule schedule,
            Outbox outbox,
            WebhookConfig config,
            MeterRegistry metrics) {
        this.dataSource = dataSource;
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
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement("""
                         WITH candidate AS (
                           SELECT x.id, x.rn, w.id AS webhook_id
                             FROM webhook w CROSS JOIN LATERAL (
                                  SELECT d.id, row_number() OVER (ORDER BY d.next_attempt_at) AS rn
                                    FROM webhook_delivery d
                                   WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                                     AND (d.leased_until IS NULL OR d.leased_until < now())
                                   ORDER BY d.next_attempt_at LIMIT ?) x
                            WHERE w.status = 'active'),
                         busy AS (SELECT * FROM unnest(?::uuid[], ?::int[]) AS b(webhook_id, n)),
                         due AS (
                           SELECT d.id FROM webhook_delivery d JOIN candidate k ON k.id = d.id
                                  LEFT JOIN busy b ON b.webhook_id = k.webhook_id
                            WHERE k.rn <= ? - coalesce(b.n, 0) AND d.status = 'pending'
                              AND (d.leased_until IS NULL OR d.leased_until < now())
                            ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED)
                         UPDATE webhook_delivery d
                            SET leased_until = now() + make_interval(secs => ?), attempts = d.attempts + 1,
                                last_attempt_at = now()
                           FROM due, webhook w
                          WHERE d.id = due.id AND w.id = d.webhook_id
                         RETURNING d.id, d.webhook_id, w.url, d.message_id, d.body, d.attempts, w.secret_sealed,
                                   w.previous_secret_sealed, w.previous_secret_expires_at, now()
                         """)) {
                st.setInt(1, perEndpoint);
                st.setArray(2, c.createArrayOf("uuid", busy.keySet().toArray()));
                st.setArray(3, c.createArrayOf("int4", busy.values().toArray()));
                st.setInt(4, perEndpoint);
                st.setInt(5, limit);
                st.setLong(6, leaseSeconds);
                List<Attempt> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Instant now = rs.getTimestamp(10).toInstant();
                        UUID webhookId = rs.getObject(2, UUID.class);
                        List<String> keys = new ArrayList<>();
                        keys.add(secrets.open(rs.getString(7), Webhook.SECRET.aad(webhookId)));
                        Timestamp prevUntil = rs.getTimestamp(9);
                        if (rs.getString(8) != null
                                && prevUntil != null
                                && prevUntil.toInstant().isAfter(now)) {
                            keys.add(secrets.open(rs.getString(8), Webhook.PREVIOUS_SECRET.aad(webhookId)));
                        }
                        out.add(new Attempt(
                                rs.getObject(1, UUID.class),
                                webhookId,
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getInt(6),
                                List.copyOf(keys),
                                now));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot claim webhook deliveries: " + e.getMessage(), e);
            }
        });
    }

    /** Gives a claimed attempt back unsent (this replica had no free slot for its endpoint after all). */
    public void release(Attempt a) {
        QuarkusTransaction.requiringNew()
                .run(() -> update(
                        "UPDATE webhook_delivery SET leased_until = NULL,"
                                + " attempts = attempts - 1 WHERE id = ? AND attempts = ?",
                        a.deliveryId(),
                        a.attempt()));
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
        List<String> tags = new ArrayList<>();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                tags.clear();
                for (Outcome o : outcomes) {
                    tags.add(recordInTransaction(o.attempt(), o.result(), o.at()));
                }
            });
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
    private String recordInTransaction(Attempt a, AttemptResult r, Instant now) {
        // The webhook (or its whole project) may have been deleted while the request ran, and its deliveries with
        // it: then there is nothing left to record, and a failed insert would fail the outcomes recorded with it.
        if (update(
                        "INSERT INTO webhook_attempt (delivery_id, attempt, at, status_code, error, duration_ms)"
                                + " SELECT ?::uuid, ?::int, ?::timestamptz, ?::int, ?::text, ?::int"
                                + " WHERE EXISTS (SELECT 1 FROM webhook_delivery WHERE id = ?)",
                        a.deliveryId(),
                        a.attempt(),
                        Timestamp.from(a.startedAt()),
                        r.statusCode().orElse(null),
                        r.error(),
                        (int) Math.min(Integer.MAX_VALUE, r.durationMs()),
                        a.deliveryId())
                == 0) {
            return "discarded";
        }
        Integer code = r.statusCode().orElse(null);
        if (r.delivered()) {
            update(
                    "UPDATE webhook_delivery SET status = ?, delivered_at = ?, leased_until = NULL, next_attempt_at = NULL,"
                            + " last_status_code = ?, last_error = NULL WHERE id = ?",
                    DeliveryStatus.DELIVERED.wire(),
                    Timestamp.from(now),
                    code,
                    a.deliveryId());
            return "delivered";
        }
        if (r.gone()) {
            update(
                    "UPDATE webhook SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?",
                    "the endpoint answered 410 Gone at " + now,
                    Timestamp.from(now),
                    a.webhookId());
            fail(a, code, "410 Gone: endpoint disabled", now);
            return "endpoint_gone";
        }
        Optional<Instant> next = schedule.next(a.attempt(), now, r.retryAfter());
        if (next.isPresent()) {
            update(
                    "UPDATE webhook_delivery SET leased_until = NULL, next_attempt_at = ?, last_status_code = ?,"
                            + " last_error = ? WHERE id = ?",
                    Timestamp.from(next.get()),
                    code,
                    r.error(),
                    a.deliveryId());
            return "retry_scheduled";
        }
        fail(a, code, r.error(), now);
        announceExhausted(a, code, r.error());
        return "failed";
    }

    private void fail(Attempt a, Integer code, String error, Instant now) {
        update(
                "UPDATE webhook_delivery SET status = ?, leased_until = NULL, next_attempt_at = NULL,"
                        + " last_status_code = ?, last_error = ? WHERE id = ?",
                DeliveryStatus.FAILED.wire(),
                code,
                error,
                a.deliveryId());
        LOG.infof(
                "webhook delivery %s to %s failed after %d attempts: %s", a.deliveryId(), a.url(), a.attempt(), error);
    }

    private void announceExhausted(Attempt a, Integer code, String error) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT d.project_id, w.org_id, d.event_id, d.event_type"
                        + " FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id WHERE d.id = ?")) {
            st.setObject(1, a.deliveryId());
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    UUID projectId = rs.getObject(1, UUID.class);
                    outbox.publish(EventEnvelope.of(
                            EventType.WEBHOOK_DELIVERY_EXHAUSTED,
                            "webhook-service",
                            rs.getString(2),
                            projectId,
                            null,
                            new WebhookDeliveryPayload(
                                    a.deliveryId(),
                                    a.webhookId(),
                                    projectId,
                                    rs.getString(3),
                                    rs.getString(4),
                                    a.url(),
                                    a.attempt(),
                                    code,
                                    error)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot announce an exhausted delivery", e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook delivery bookkeeping failed", e);
        }
    }
}
