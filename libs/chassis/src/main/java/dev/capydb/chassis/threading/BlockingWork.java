package dev.capydb.chassis.threading;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a blocking call made from reactive code (JDBC to a data-plane host, a wait for Kafka) on the named worker pool
 * {@value #POOL}, never on an event loop, and resumes on the caller's Vert.x context so Hibernate Reactive can go on
 * in the same session afterwards.
 */
@ApplicationScoped
public class BlockingWork {

    /** The pool's name, which its threads carry (tests assert it). */
    public static final String POOL = "capydb-blocking";

    private final WorkerExecutor pool;

    public BlockingWork(Vertx vertx, BlockingConfig config) {
        // No time limit: a wait for Kafka is bounded by its own timeout, and the blocked-thread checker would only log.
        this.pool = vertx.createSharedWorkerExecutor(POOL, config.poolSize(), 1, TimeUnit.HOURS);
    }

    /** The call's result, computed on the pool; the Uni completes on the context it was subscribed on. */
    public <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom()
                .completionStage(() ->
                        pool.executeBlocking((Callable<T>) work::get, false).toCompletionStage());
    }

    /** Whether the current thread is one of the pool's. */
    public static boolean onPool() {
        return Thread.currentThread().getName().startsWith(POOL);
    }

    @PreDestroy
    void close() {
        pool.close();
    }
}
