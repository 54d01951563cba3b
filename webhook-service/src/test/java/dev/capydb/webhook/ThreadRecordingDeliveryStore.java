package dev.capydb.webhook;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.outbox.ReactiveOutbox;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.delivery.Attempt;
import dev.capydb.webhook.delivery.DeliveryStore;
import dev.capydb.webhook.delivery.RetrySchedule;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.Mock;
import io.vertx.core.Context;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The real delivery store, noting which threads claim and record, so tests can check none is an event loop. */
@Mock
@Singleton
public class ThreadRecordingDeliveryStore extends DeliveryStore {

    /** The names of the threads that claimed or recorded, an event loop's marked as such. */
    public static final Set<String> THREADS = ConcurrentHashMap.newKeySet();

    @Inject
    public ThreadRecordingDeliveryStore(
            Pool pool,
            ReactiveTransactions transactions,
            SecretBox secrets,
            RetrySchedule schedule,
            ReactiveOutbox outbox,
            WebhookConfig config,
            MeterRegistry metrics) {
        super(pool, transactions, secrets, schedule, outbox, config, metrics);
    }

    @Override
    public List<Attempt> claim(int limit, int perEndpoint, Map<UUID, Integer> busy) {
        note();
        return super.claim(limit, perEndpoint, busy);
    }

    @Override
    public int recordAll(List<Outcome> outcomes) {
        note();
        return super.recordAll(outcomes);
    }

    private static void note() {
        String name = Thread.currentThread().getName();
        THREADS.add(Context.isOnEventLoopThread() ? "event loop " + name : name);
    }
}
