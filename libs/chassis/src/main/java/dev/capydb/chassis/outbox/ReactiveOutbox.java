package dev.capydb.chassis.outbox;

import dev.capydb.chassis.observability.JobMetrics;
import dev.capydb.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Records events in the current Hibernate Reactive transaction, the reactive twin of {@link Outbox}: the row commits
 * or rolls back with the state change it announces, and {@link ReactiveTransactions} publishes it after the commit.
 */
@ApplicationScoped
public class ReactiveOutbox {

    private static final String INSERT = "INSERT INTO outbox_event (id, topic, event_key, type, payload, traceparent)"
            + " VALUES (:id, :topic, :key, :type, :payload, :traceparent)";

    private final OutboxConfig config;
    private final JobMetrics jobMetrics;

    public ReactiveOutbox(OutboxConfig config, JobMetrics jobMetrics) {
        this.config = config;
        this.jobMetrics = jobMetrics;
    }

    /** Must run inside {@link ReactiveTransactions#run}: an event outside a transaction could announce nothing. */
    public Uni<Void> publish(EventEnvelope event) {
        return Uni.createFrom().deferred(() -> {
            List<UUID> written = ContextLocals.<List<UUID>>get(ReactiveTransactions.WRITTEN)
                    .orElseThrow(() -> new IllegalStateException(
                            "event " + event.type() + " written outside a reactive transaction"));
            OutboxRow row = OutboxRow.of(event, config);
            return Panache.getSession()
                    .chain(s -> s.createNativeQuery(INSERT)
                            .setParameter("id", row.id())
                            .setParameter("topic", row.topic())
                            .setParameter("key", row.key())
                            .setParameter("type", row.type())
                            .setParameter("payload", row.payload())
                            .setParameter("traceparent", row.traceparent())
                            .executeUpdate())
                    .invoke(() -> {
                        written.add(row.id());
                        // Every job ends through its job.* event, so this one place counts them all.
                        jobMetrics.onPublished(event);
                    })
                    .replaceWithVoid();
        });
    }
}
