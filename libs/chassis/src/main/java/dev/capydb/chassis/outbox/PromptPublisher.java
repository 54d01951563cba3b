package dev.capydb.chassis.outbox;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Publishes chosen outbox events now rather than at the relay's next tick, so an answer can wait for them. */
@ApplicationScoped
public class PromptPublisher {

    private static final Logger LOG = Logger.getLogger(PromptPublisher.class);

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;
    private final OutboxRelay relay;

    public PromptPublisher(AgroalDataSource dataSource, OutboxConfig config, OutboxRelay relay) {
        this.dataSource = dataSource;
        this.config = config;
        this.relay = relay;
    }

    /**
     * Publishes now, rather than at the next tick, until the given events are in Kafka; returns where they landed.
     * Called right after the transaction that wrote them commits, so the caller's answer is only sent once every
     * other service can read the events. It does not wait while the relay cannot reach Kafka (the scheduled relay
     * keeps trying; the events are safe in the outbox), nor beyond {@code capydb.consistency.publish-timeout}.
     */
    public List<PublishedEvent> publishNow(Collection<UUID> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (config.relayEnabled() && !relay.healthy()) {
            LOG.warnf(
                    "outbox: events %s are answered before they are in Kafka: Kafka refused this replica's last"
                            + " pass, the relay will publish them",
                    ids);
        }
        while (config.relayEnabled() && relay.healthy()) {
            try {
                relay.relayNow();
            } catch (RuntimeException e) {
                LOG.debugf("outbox: publishing at commit failed, the relay will retry: %s", e.getMessage());
                return List.of();
            }
            List<PublishedEvent> done = published(ids);
            if (done.size() == ids.size() || System.nanoTime() > deadline) {
                return done;
            }
            sleep(5); // another replica's pass holds the relay lock and has our rows: wait for it
        }
        return List.of();
    }

    /**
     * Publishes the project's events that are still in the outbox (a worker committed them an instant ago and is
     * publishing them): an answer about the project then never shows a state whose event other services cannot
     * read yet. One query that finds nothing in the usual case.
     */
    public void publishPendingOf(String eventKey, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (hasUnpublished(eventKey) && config.relayEnabled() && relay.healthy() && System.nanoTime() < deadline) {
            try {
                relay.relayNow();
            } catch (RuntimeException e) {
                return;
            }
            sleep(5);
        }
    }

    private boolean hasUnpublished(String eventKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT 1 FROM outbox_event WHERE event_key = ? AND published_at IS NULL LIMIT 1")) {
            st.setString(1, eventKey);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox", e);
        }
    }

    private List<PublishedEvent> published(Collection<UUID> ids) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT id, topic, kafka_partition, kafka_offset FROM outbox_event WHERE id = ANY (?) "
                                + "AND published_at IS NOT NULL")) {
            st.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            List<PublishedEvent> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new PublishedEvent(
                            rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getLong(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
