package dev.capydb.chassis.outbox;

import dev.capydb.chassis.observability.TraceContext;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka in order (acks=all, idempotent producer) and stamps them published.
 * One pass at a time per database: a transaction-scoped advisory lock elects the relaying replica, so per-key
 * order holds with any number of replicas; the rows are also claimed FOR UPDATE SKIP LOCKED.
 *
 * <p>Over 300 lines because election, claim, publish and stamping are one protocol and read best together (prompt
 * publishing at commit is {@link PromptPublisher}).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id of the relay ("outbox" in ASCII). */
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;
    private final KafkaClientSettings kafka;
    private Producer<String, String> producer;
    /** Outbox lag as the last relay pass saw it (scrapes must not query the database). */
    private final AtomicLong unpublished = new AtomicLong();

    private final AtomicLong oldestAgeMillis = new AtomicLong();
    /** When this replica's last pass failed to reach Kafka (0: never), and when the running pass began (0: none). */
    private volatile long lastFailureNanos;

    private final AtomicLong passStartedNanos = new AtomicLong();
    private static final long UNHEALTHY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long STUCK_PASS_NANOS = Duration.ofSeconds(2).toNanos();

    public OutboxRelay(
            AgroalDataSource dataSource, OutboxConfig config, KafkaClientSettings kafka, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.config = config;
        this.kafka = kafka;
        Gauge.builder("capydb.outbox.unpublished", unpublished, AtomicLong::get)
                .description("Outbox rows not yet published to Kafka, after the last relay pass")
                .register(metrics);
        Gauge.builder("capydb.outbox.oldest.unpublished.age.seconds", oldestAgeMillis, a -> a.get() / 1000.0)
                .description("Age of the oldest unpublished outbox row, after the last relay pass")
                .register(metrics);
    }

    @Scheduled(
            every = "${capydb.outbox.poll-interval:0.5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "1s")
    void tick() {
        if (!config.relayEnabled()) {
            return;
        }
        try {
            relayPending(producer());
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay pass failed, will retry: %s", e.getMessage());
        }
    }

    @Scheduled(every = "1h", delayed = "1m")
    void prunePublished() {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement(
                            "DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => ?)")) {
                st.setLong(1, config.keepPublished().toSeconds());
                st.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * One relay pass with the given producer. Publishes unpublished rows in order; stops at the first row Kafka
     * did not acknowledge, so nothing after it overtakes it (those are sent again next pass and deduplicated by
     * consumers).
     *
     * @return how many rows were published
     */
    public int relayPending(Producer<String, String> kafka) {
        passStartedNanos.set(System.nanoTime());
        try {
            return pass(kafka);
        } catch (RuntimeException e) {
            if (isKafkaFailure(e)) {
                lastFailureNanos = System.nanoTime();
            }
            throw e;
        } finally {
            passStartedNanos.set(0);
        }
    }

    private int pass(Producer<String, String> kafka) {
        return QuarkusTransaction.requiringNew()
                .timeout((int) config.deliveryTimeout().toSeconds() + 30)
                .call(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        if (!electRelay(c)) {
                            return 0;
                        }
                        List<Row> rows = claim(c);
                        if (rows.isEmpty()) {
                            measureLag(c);
                            return 0;
                        }
                        List<Future<RecordMetadata>> acks = new ArrayList<>();
                        for (Row row : rows) {
                            ProducerRecord<String, String> record =
                                    new ProducerRecord<>(row.topic, row.key, row.payload);
                            record.headers().add("ce_id", row.id.getBytes(StandardCharsets.UTF_8));
                            record.headers().add("ce_type", row.type.getBytes(StandardCharsets.UTF_8));
                            if (row.traceparent != null) {
                                record.headers()
                                        .add(TraceContext.HEADER, row.traceparent.getBytes(StandardCharsets.UTF_8));
                            }
                            acks.add(kafka.send(record));
                        }
                        kafka.flush();
                        List<Long> published = new ArrayList<>();
                        List<RecordMetadata> where = new ArrayList<>();
                        String failure = null;
                        for (int i = 0; i < rows.size(); i++) {
                            try {
                                where.add(
                                        acks.get(i).get(config.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS));
                                published.add(rows.get(i).seq);
                            } catch (Exception e) {
                                failure = e.getCause() != null ? e.getCause().toString() : e.toString();
                                markFailed(c, rows.get(i).seq, failure);
                                break;
                            }
                        }
                        markPublished(c, published, where);
                        measureLag(c);
                        lastFailureNanos = failure == null ? 0 : System.nanoTime();
                        if (failure != null) {
                            LOG.warnf(
                                    "outbox: published %d of %d events; Kafka refused the next: %s",
                                    published.size(), rows.size(), failure);
                        }
                        return published.size();
                    }
                });
    }

    private static boolean electRelay(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            st.setLong(1, RELAY_LOCK);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private List<Row> claim(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                SELECT seq, id, topic, event_key, type, payload, traceparent FROM outbox_event
                WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            st.setInt(1, config.batchSize());
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
            }
            return rows;
        }
    }

    /** Refreshes the lag gauges; rows this pass could not publish still count. */
    private void measureLag(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                        "SELECT count(*), coalesce(extract(epoch FROM "
                                + "clock_timestamp() - min(created_at)) * 1000, 0)::bigint FROM outbox_event WHERE published_at IS NULL");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            unpublished.set(rs.getLong(1));
            oldestAgeMillis.set(rs.getLong(2));
        }
    }

    private static void markPublished(Connection c, List<Long> seqs, List<RecordMetadata> where) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("UPDATE outbox_event o SET published_at = now(), "
                + "attempts = attempts + 1, kafka_partition = w.p, kafka_offset = w.o FROM unnest(?::bigint[], "
                + "?::integer[], ?::bigint[]) AS w(seq, p, o) WHERE o.seq = w.seq")) {
            st.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
            st.setArray(
                    2,
                    c.createArrayOf(
                            "integer",
                            where.stream().map(RecordMetadata::partition).toArray()));
            st.setArray(
                    3,
                    c.createArrayOf(
                            "bigint", where.stream().map(RecordMetadata::offset).toArray()));
            st.executeUpdate();
        }
    }

    /**
     * Whether a failed pass failed on Kafka. Only that makes publishing at commit pointless for a while; a pass that
     * lost its database connection (a control-plane restart) says nothing about Kafka, and once counted it made
     * every commit of the next 30 s answer before its events were in Kafka, so another service answered 404 for a
     * project just created (found by InfrastructureFaultsIT).
     */
    static boolean isKafkaFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KafkaException) {
                return true;
            }
        }
        return false;
    }

    /** One pass now, with this replica's producer (for {@link PromptPublisher}). */
    int relayNow() {
        return relayPending(producer());
    }

    /** Not while Kafka refused this replica's last pass (30 s), or a pass has been stuck for 2 s. */
    boolean healthy() {
        long now = System.nanoTime();
        long failed = lastFailureNanos;
        long started = passStartedNanos.get();
        return (failed == 0 || now - failed > UNHEALTHY_NANOS) && (started == 0 || now - started < STUCK_PASS_NANOS);
    }

    private static void markFailed(Connection c, long seq, String error) throws SQLException {
        try (PreparedStatement st =
                c.prepareStatement("UPDATE outbox_event SET attempts = attempts + 1, last_error = ? WHERE seq = ?")) {
            st.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            st.setLong(2, seq);
            st.executeUpdate();
        }
    }

    /** A producer configured for the outbox's guarantees, for a test against an unauthenticated broker. */
    public static Producer<String, String> newProducer(String bootstrapServers, long timeoutMs) {
        return newProducer(bootstrapServers, timeoutMs, Map.of());
    }

    /** A producer configured for the outbox's guarantees, connecting with {@code security} settings. */
    public static Producer<String, String> newProducer(
            String bootstrapServers, long timeoutMs, Map<String, Object> security) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1000, timeoutMs / 2)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "capydb-outbox-relay");
        return new KafkaProducer<>(p);
    }

    private synchronized Producer<String, String> producer() {
        if (producer == null) {
            producer = newProducer(
                    config.bootstrapServers(), config.deliveryTimeout().toMillis(), kafka.security());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private record Row(
            long seq, String id, String topic, String key, String type, String payload, String traceparent) {}
}
