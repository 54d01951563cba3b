package dev.capydb.chassis.inbox;

import dev.capydb.chassis.observability.TraceContext;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.threading.Await;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Idempotent event handling: the event id is recorded in the same transaction as the handler's writes, so a
 * redelivered event is skipped and a failed handler leaves no trace (and is retried). An event that still fails
 * after every retry is parked in {@code inbox_dead_letter} and skipped, so one poison event cannot stop a consumer
 * for good. A failure to reach the database is not the event's fault: it is retried every
 * {@code capydb.inbox.reconnect-every} for as long as the database is away, never counted towards parking and never
 * let out (an exception here fails the Kafka channel for good).
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    private final AgroalDataSource dataSource;
    private final InboxConfig config;
    private final Tracer tracer;
    private final AppliedPositions positions;
    private final ReactiveInboxRows reactiveRows;
    private final ReactiveTransactions transactions;

    public Inbox(
            AgroalDataSource dataSource,
            InboxConfig config,
            Tracer tracer,
            AppliedPositions positions,
            ReactiveInboxRows reactiveRows,
            ReactiveTransactions transactions) {
        this.dataSource = dataSource;
        this.config = config;
        this.tracer = tracer;
        this.positions = positions;
        this.reactiveRows = reactiveRows;
        this.transactions = transactions;
    }

    /** One attempt at an event, in a transaction of its own: whether the handler ran (false for a duplicate). */
    @FunctionalInterface
    private interface Attempt {
        boolean run(EventEnvelope event);
    }

    /**
     * Like {@link #process(String, String, Consumer)} for a whole Kafka record: the handling joins the trace of the
     * request that produced the event ({@code traceparent} header, written by the outbox relay), and the consumer's
     * position in the partition advances past the record in the same transaction ({@link AppliedPositions}).
     */
    public boolean process(String consumer, ConsumerRecord<String, String> record, Consumer<EventEnvelope> handler) {
        List<ConsumerRecord<String, String>> records = List.of(record);
        return traced(
                consumer,
                traceparent(record),
                () -> handle(consumer, record.value(), records, jta(consumer, records, handler)));
    }

    /**
     * {@link #process(String, ConsumerRecord, Consumer)} for a handler that writes through Hibernate Reactive: the
     * dedupe row, the handler's writes and the consumer's position commit in one reactive transaction, and the events
     * the handler wrote are published after it ({@link ReactiveTransactions}). Retries, parking and waiting for the
     * database are the same; they block this (worker) thread between attempts, as Kafka's channel expects.
     */
    public boolean processReactive(
            String consumer, ConsumerRecord<String, String> record, Function<EventEnvelope, Uni<Void>> handler) {
        List<ConsumerRecord<String, String>> records = List.of(record);
        return traced(
                consumer,
                traceparent(record),
                () -> handle(consumer, record.value(), records, reactive(consumer, records, handler)));
    }

    /** {@link #process(String, String, Consumer)} for a handler that writes through Hibernate Reactive. */
    public boolean processReactive(String consumer, String json, Function<EventEnvelope, Uni<Void>> handler) {
        return handle(consumer, json, List.of(), reactive(consumer, List.of(), handler));
    }

    /** An attempt in a reactive transaction: the dedupe row, the handler's writes and the position commit together. */
    private Attempt reactive(
            String consumer, List<ConsumerRecord<String, String>> records, Function<EventEnvelope, Uni<Void>> handler) {
        return event -> Await.reactive(() -> transactions.run(() ->
                handleOnceReactive(consumer, event, handler).call(() -> reactiveRows.advance(consumer, records))));
    }

    /** In the current reactive transaction: runs the handler unless this consumer has seen the event. */
    private Uni<Boolean> handleOnceReactive(
            String consumer, EventEnvelope event, Function<EventEnvelope, Uni<Void>> handler) {
        return reactiveRows
                .recordFirstDelivery(consumer, event)
                .chain(fresh -> fresh ? handler.apply(event).replaceWith(true) : alreadyProcessed(consumer, event));
    }

    /**
     * {@link #processBatch} for a handler that writes through Hibernate Reactive: a poll's worth of events in one
     * reactive transaction, each with its own dedupe row and consumer span; if the batch fails as a whole, every
     * record is handled on its own by {@link #processReactive(String, ConsumerRecord, Function)}, so retries and
     * parking stay per event.
     *
     * @return how many events were new
     */
    public int processBatchReactive(
            String consumer,
            Iterable<ConsumerRecord<String, String>> records,
            Function<EventEnvelope, Uni<Void>> handler) {
        List<Parsed> batch = new ArrayList<>();
        List<ConsumerRecord<String, String>> all = parseAll(consumer, records, batch);
        if (all.isEmpty()) {
            return 0;
        }
        try {
            return Await.reactive(() -> transactions.run(() -> {
                Uni<Integer> fresh = Uni.createFrom().item(0);
                for (Parsed p : batch) {
                    fresh = fresh.chain(n -> tracedReactive(
                                    consumer,
                                    traceparent(p.record()),
                                    () -> handleOnceReactive(consumer, p.event(), handler))
                            .map(ran -> ran ? n + 1 : n));
                }
                return fresh.call(() -> reactiveRows.advance(consumer, all));
            }));
        } catch (RuntimeException e) {
            return oneByOne(consumer, all, batch.size(), e, r -> processReactive(consumer, r, handler));
        }
    }

    /** After a failed batch: each record on its own, so retries and parking stay per event; how many were new. */
    private static int oneByOne(
            String consumer,
            List<ConsumerRecord<String, String>> all,
            int events,
            RuntimeException batchFailure,
            Predicate<ConsumerRecord<String, String>> handleAlone) {
        LOG.warnf(
                "%s: a batch of %d events failed, handling them one by one: %s",
                consumer, events, batchFailure.getMessage());
        int fresh = 0;
        for (ConsumerRecord<String, String> r : all) {
            if (handleAlone.test(r)) {
                fresh++;
            }
        }
        return fresh;
    }

    /** A record with its envelope. */
    private record Parsed(ConsumerRecord<String, String> record, EventEnvelope event) {}

    /** Every record, in order; the well-formed ones are added to {@code batch} with their envelope. */
    private static List<ConsumerRecord<String, String>> parseAll(
            String consumer, Iterable<ConsumerRecord<String, String>> records, List<Parsed> batch) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            all.add(r);
            parse(consumer, r.value()).ifPresent(e -> batch.add(new Parsed(r, e)));
        }
        return all;
    }

    /** {@link #traced} for reactive work: the span lasts until the work's Uni has completed. */
    private <T> Uni<T> tracedReactive(String consumer, Optional<String> traceparent, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Span span = consumerSpan(consumer, traceparent);
            Uni<T> uni;
            try (Scope ignored = span.makeCurrent()) {
                uni = work.get();
            }
            return uni.onFailure()
                    .invoke(e -> span.setStatus(StatusCode.ERROR, e.getMessage()))
                    .eventually((Runnable) span::end);
        });
    }

    private static Uni<Boolean> alreadyProcessed(String consumer, EventEnvelope event) {
        LOG.debugf("%s: event %s (%s) already processed", consumer, event.id(), event.type());
        return Uni.createFrom().item(false);
    }

    /** An attempt in a JTA transaction: the dedupe row, the handler's writes and the position commit together. */
    private Attempt jta(
            String consumer, List<ConsumerRecord<String, String>> records, Consumer<EventEnvelope> handler) {
        return event -> QuarkusTransaction.requiringNew().call(() -> {
            boolean ran = handleOnce(consumer, event, handler);
            positions.advance(consumer, records);
            return ran;
        });
    }

    /** Handles the event in a consumer span whose parent is the producer's trace, when one came with it. */
    public boolean process(
            String consumer, String json, Optional<String> traceparent, Consumer<EventEnvelope> handler) {
        return traced(consumer, traceparent, () -> process(consumer, json, handler));
    }

    /**
     * Handles a poll's worth of records in one transaction: one commit instead of one per event, which is what
     * bounds a busy consumer's rate. Each event still gets its own dedupe row and its own consumer span. If the
     * batch fails as a whole it is rolled back and every record is handled on its own by
     * {@link #process(String, ConsumerRecord, Consumer)}, so retries and parking stay per event.
     *
     * @return how many events were new
     */
    public int processBatch(
            String consumer, Iterable<ConsumerRecord<String, String>> records, Consumer<EventEnvelope> handler) {
        List<Parsed> batch = new ArrayList<>();
        List<ConsumerRecord<String, String>> all = parseAll(consumer, records, batch);
        if (all.isEmpty()) {
            return 0;
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                int fresh = 0;
                for (Parsed p : batch) {
                    if (traced(consumer, traceparent(p.record()), () -> handleOnce(consumer, p.event(), handler))) {
                        fresh++;
                    }
                }
                positions.advance(consumer, all);
                return fresh;
            });
        } catch (RuntimeException e) {
            return oneByOne(consumer, all, batch.size(), e, r -> process(consumer, r, handler));
        }
    }

    /** A consumer span for one event, a child of the producer's trace when one came with it. */
    private Span consumerSpan(String consumer, Optional<String> traceparent) {
        return tracer.spanBuilder(consumer + " process")
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceContext.parentOf(traceparent))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.consumer.group.name", consumer)
                .startSpan();
    }

    private <T> T traced(String consumer, Optional<String> traceparent, Supplier<T> work) {
        Span span = consumerSpan(consumer, traceparent);
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private static Optional<String> traceparent(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(TraceContext.HEADER);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** In the caller's transaction: runs the handler unless this consumer has seen the event. */
    private boolean handleOnce(String consumer, EventEnvelope event, Consumer<EventEnvelope> handler) {
        if (!recordFirstDelivery(consumer, event)) {
            LOG.debugf("%s: event %s (%s) already processed", consumer, event.id(), event.type());
            return false;
        }
        handler.accept(event);
        return true;
    }

    /** The envelope, or empty (logged) for a message that can never succeed: not JSON, or no id/type. */
    private static Optional<EventEnvelope> parse(String consumer, String json) {
        EventEnvelope event;
        try {
            event = EventJson.read(json);
        } catch (IllegalArgumentException e) {
            LOG.errorf("%s: skipping a malformed event: %s", consumer, e.getMessage());
            return Optional.empty();
        }
        if (event.id() == null || event.type() == null) {
            // JSON, but no envelope ("{}"): it has no id to deduplicate or park it by.
            LOG.errorf("%s: skipping a malformed event without id or type: %.200s", consumer, json);
            return Optional.empty();
        }
        return Optional.of(event);
    }

    /**
     * Parses and handles one delivered event exactly once per consumer. A malformed message is logged and skipped
     * (it can never succeed); a failing handler is retried with back-off, then the event is parked; only when
     * parking fails too does the failure propagate, so the message is not acknowledged and nothing is lost.
     *
     * @return whether the handler ran (false for a duplicate, a malformed or a parked message)
     */
    public boolean process(String consumer, String json, Consumer<EventEnvelope> handler) {
        return handle(consumer, json, List.of(), jta(consumer, List.of(), handler));
    }

    /**
     * Handles the event through {@code inTransaction}, with retries and parking; each attempt also advances the
     * consumer past {@code records}.
     */
    private boolean handle(
            String consumer, String json, List<ConsumerRecord<String, String>> records, Attempt inTransaction) {
        Optional<EventEnvelope> parsed = parse(consumer, json);
        if (parsed.isEmpty()) {
            if (!records.isEmpty()) {
                QuarkusTransaction.requiringNew().run(() -> positions.advance(consumer, records));
            }
            return false;
        }
        EventEnvelope event = parsed.get();
        for (int attempt = 1; ; ) {
            try {
                return inTransaction.run(event);
            } catch (RuntimeException e) {
                if (InboxFailures.isDatabaseAway(e)) {
                    LOG.warnf(
                            "%s: event %s (%s) waits for the database: %s",
                            consumer, event.id(), event.type(), e.getMessage());
                    sleep(config.reconnectEvery().toMillis());
                    continue;
                }
                if (attempt >= config.maxAttempts() || InboxFailures.isPermanent(e)) {
                    if (park(consumer, event, json, records, e, attempt)) {
                        return false;
                    }
                    sleep(config.reconnectEvery().toMillis());
                    continue;
                }
                long backoffMs = Math.min(config.maxBackoff().toMillis(), 250L << Math.min(attempt, 20));
                LOG.warnf(
                        "%s: handling event %s (%s) failed (attempt %d), retrying in %d ms: %s",
                        consumer, event.id(), event.type(), attempt, backoffMs, e.getMessage());
                sleep(backoffMs);
                attempt++;
            }
        }
    }

    /**
     * Keeps a poison event (and marks it handled, so a redelivery is skipped too).
     *
     * @return false when parking failed too (the database went away meanwhile): the caller tries again, nothing is
     *         acknowledged and nothing is lost
     */
    private boolean park(
            String consumer,
            EventEnvelope event,
            String json,
            List<ConsumerRecord<String, String>> records,
            RuntimeException failure,
            int attempts) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                recordFirstDelivery(consumer, event);
                positions.advance(consumer, records);
                try (Connection c = dataSource.getConnection();
                        PreparedStatement st = c.prepareStatement(
                                "INSERT INTO inbox_dead_letter (event_id, consumer, type,"
                                        + " payload, error, attempts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    st.setObject(1, event.id());
                    st.setString(2, consumer);
                    st.setString(3, event.type());
                    st.setString(4, json);
                    st.setString(5, String.valueOf(failure.getMessage()));
                    st.setInt(6, attempts);
                    st.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot park event " + event.id(), e);
                }
            });
        } catch (RuntimeException parkFailed) {
            LOG.warnf(
                    "%s: event %s (%s) failed (%s) and cannot be parked yet: %s",
                    consumer, event.id(), event.type(), failure.getMessage(), parkFailed.getMessage());
            return false;
        }
        LOG.errorf(
                "%s: event %s (%s) failed %d times and is parked in inbox_dead_letter, skipped: %s",
                consumer, event.id(), event.type(), attempts, failure.getMessage());
        return true;
    }

    /** Records the event for this consumer in the current transaction; false when it was already recorded. */
    public boolean recordFirstDelivery(String consumer, EventEnvelope event) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "INSERT INTO inbox_event (event_id, consumer, type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            st.setObject(1, event.id());
            st.setString(2, consumer);
            st.setString(3, event.type());
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record inbox event " + event.id(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an event", e);
        }
    }
}
