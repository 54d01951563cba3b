package dev.capydb.chassis.outbox;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Records events in the caller's transaction; {@link OutboxRelay} publishes them once that commits. */
@ApplicationScoped
public class Outbox {

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;

    public Outbox(AgroalDataSource dataSource, OutboxConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** Must run inside the transaction that makes the state change the event announces. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(EventEnvelope event) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "INSERT INTO outbox_event (id, topic, event_key, type, payload) VALUES (?, ?, ?, ?, ?)")) {
            st.setObject(1, event.id());
            st.setString(2, event.topicName(config.ownTopic().orElse(null)));
            st.setString(3, event.partitionKey());
            st.setString(4, event.type());
            st.setString(5, EventJson.write(event));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write event " + event.type() + " to the outbox", e);
        }
    }
}
