package dev.capydb.chassis.threading;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Runs reactive work (Hibernate Reactive needs a Vert.x context) from a worker thread — a Kafka consumer, a job —
 * and waits for its result. Never from an event loop: Vert.x refuses that.
 */
public final class Await {

    private Await() {}

    /** The work's result, or its failure rethrown (a checked one wrapped). */
    public static <T> T reactive(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
