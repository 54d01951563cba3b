package dev.capydb.chassis.outbox;

import dev.capydb.chassis.threading.BlockingWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The reactive unit of work: runs {@code work} in one Hibernate Reactive transaction and, once it has committed,
 * publishes the outbox events it wrote ({@link ReactiveOutbox}) before the returned Uni completes, so an answer built
 * on it is only sent once every other service can read its events (as {@link PublishOnCommit} does for JTA).
 */
@ApplicationScoped
public class ReactiveTransactions {

    /** The events a transaction wrote, kept on its Vert.x context for {@link ReactiveOutbox}. */
    static final String WRITTEN = "capydb.outbox.written";

    /** What a committed unit of work returned, and where its events landed in Kafka. */
    public record Committed<T>(T value, List<PublishedEvent> published) {}

    private final PublishOnCommit onCommit;
    private final BlockingWork blocking;

    public ReactiveTransactions(PublishOnCommit onCommit, BlockingWork blocking) {
        this.onCommit = onCommit;
        this.blocking = blocking;
    }

    /** The work's result once committed and its events published (or left to the relay when Kafka is away). */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return runPublished(work).map(Committed::value);
    }

    /** {@link #run}, also saying where the events landed, for a writer that waits for their consumers. */
    public <T> Uni<Committed<T>> runPublished(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (ContextLocals.get(WRITTEN).isPresent()) {
                return Uni.createFrom()
                        .failure(new IllegalStateException("a reactive transaction is already open on this context"));
            }
            List<UUID> written = new ArrayList<>();
            ContextLocals.put(WRITTEN, written);
            return Panache.withTransaction(work)
                    .eventually(() -> ContextLocals.remove(WRITTEN))
                    .chain(value -> written.isEmpty()
                            ? Uni.createFrom().item(new Committed<>(value, List.<PublishedEvent>of()))
                            : blocking.call(() -> onCommit.publish(List.copyOf(written)))
                                    .map(published -> new Committed<>(value, published)));
        });
    }
}
