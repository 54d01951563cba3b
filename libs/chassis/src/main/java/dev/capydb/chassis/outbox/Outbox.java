package dev.capydb.chassis.outbox;

import dev.capydb.chassis.observability.JobMetrics;
import dev.capydb.events.EventEnvelope;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Records events in the caller's transaction; once it commits they are published at once ({@link PublishOnCommit})
 * and, should that fail, by {@link OutboxRelay}'s next pass.
 */
@ApplicationScoped
public class Outbox {

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;
    private final JobMetrics jobMetrics;
    private final PublishOnCommit onCommit;

    public Outbox(AgroalDataSource dataSource, OutboxConfig config, JobMetrics jobMetrics, PublishOnCommit onCommit) {
        this.dataSource = dataSource;
        this.config = config;
        this.jobMetrics = jobMetrics;
        this.onCommit = onCommit;
    }

    /** Must run inside the transaction that makes the state change the event announces. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(EventEnvelope event) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "INSERT INTO outbox_event (id, topic, event_key, type, payload, traceparent) VALUES (?, ?, ?, ?, ?, ?)")) {
            OutboxRow row = OutboxRow.of(event, config);
            st.setObject(1, row.id());
            st.setString(2, row.topic());
            st.setString(3, row.key());
            st.setString(4, row.type());
            st.setString(5, row.payload());
            st.setString(6, row.traceparent());
            st.executeUpdate();
            onCommit.written(event.id());
            // Every job ends through its job.* event, so this one place counts them all.
            jobMetrics.onPublished(event);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write event " + event.type() + " to the outbox", e);
        }
    }
}
