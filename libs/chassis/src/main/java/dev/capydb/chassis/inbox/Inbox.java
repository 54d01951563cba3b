package dev.capydb.chassis.inbox;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Idempotent event handling: the event id is recorded in the same transaction as the handler's writes, so a
 * redelivered event is skipped and a failed handler leaves no trace (and is retried).
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);
    private static final int MAX_ATTEMPTS = 8;

    private final AgroalDataSource dataSource;

    public Inbox(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Parses and handles one delivered event exactly once per consumer. A malformed message is logged and skipped
     * (it can never succeed); a failing handler is retried with back-off, then the failure propagates so the
     * message is not acknowledged and the channel stops rather than losing it.
     *
     * @return whether the handler ran (false for a duplicate or a malformed message)
     */
    public boolean process(String consumer, String json, Consumer<EventEnvelope> handler) {
        EventEnvelope event;
        try {
            event = EventJson.read(json);
        } catch (IllegalArgumentException e) {
            LOG.errorf("%s: skipping a malformed event: %s", consumer, e.getMessage());
            return false;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> {
                    if (!recordFirstDelivery(consumer, event)) {
                        LOG.debugf("%s: event %s (%s) already processed", consumer, event.id(), event.type());
                        return false;
                    }
                    handler.accept(event);
                    return true;
                });
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                long backoffMs = Math.min(Duration.ofSeconds(30).toMillis(), 250L << attempt);
                LOG.warnf("%s: handling event %s (%s) failed (attempt %d), retrying in %d ms: %s", consumer,
                        event.id(), event.type(), attempt, backoffMs, e.getMessage());
                sleep(backoffMs);
            }
        }
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
