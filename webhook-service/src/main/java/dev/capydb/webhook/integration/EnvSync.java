package dev.capydb.webhook.integration;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.threading.Await;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.repository.Integration;
import dev.capydb.webhook.repository.Statements;
import dev.capydb.webhook.service.Redact;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Re-pushes the project's connection strings to its integrations after its data was replaced (restore into the
 * project, import, cutover): one persisted sync per integration per event, claimed with {@code SKIP LOCKED} and
 * retried with back-off; the outcome shows on the integration.
 */
@ApplicationScoped
public class EnvSync {

    private static final Logger LOG = Logger.getLogger(EnvSync.class);

    private final Pool pool;
    private final Providers providers;
    private final ConnectionSource connections;
    private final SecretBox box;
    private final WebhookConfig config;

    public EnvSync(Pool pool, Providers providers, ConnectionSource connections, SecretBox box, WebhookConfig config) {
        this.pool = pool;
        this.providers = providers;
        this.connections = connections;
        this.box = box;
        this.config = config;
    }

    /** Whether this event replaced the project's data, so apps must be (re)pointed at it. */
    public static boolean triggers(EventEnvelope e) {
        if (EventType.RESTORE_COMPLETED.wireName().equals(e.type())) {
            return "project".equals(e.data().path("target_kind").asText());
        }
        return EventType.IMPORT_COMPLETED.wireName().equals(e.type())
                || EventType.CUTOVER_COMPLETED.wireName().equals(e.type());
    }

    /** In the consumer's transaction: one pending sync per integration of the project. */
    public Uni<Integer> enqueue(EventEnvelope e) {
        if (e.projectId() == null || !triggers(e)) {
            return Uni.createFrom().item(0);
        }
        Instant now = Instant.now();
        return Integration.<Integration>list("projectId", e.projectId()).chain(integrations -> {
            // One statement at a time: a session runs one query at once.
            Uni<Integer> queued = Uni.createFrom().item(0);
            for (Integration i : integrations) {
                queued = queued.chain(n -> Statements.execute(
                                "INSERT INTO integration_sync (id, integration_id, event_id, event_type, status,"
                                        + " attempts, next_attempt_at, created_at)"
                                        + " VALUES (:p1, :p2, :p3, :p4, 'pending', 0, :p5, :p5)"
                                        + " ON CONFLICT (integration_id, event_id) DO NOTHING",
                                UUID.randomUUID(),
                                i.id,
                                e.id().toString(),
                                e.type(),
                                now)
                        .map(m -> {
                            i.lastSyncStatus = "pending";
                            i.lastSyncEvent = e.type();
                            return n + m;
                        }));
            }
            return queued;
        });
    }

    /** One claimed sync. */
    record Claimed(UUID syncId, String eventId, int attempt, Integration integration) {}

    @Scheduled(
            every = "${capydb.webhooks.sync-poll:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void runDue() {
        List<Claimed> due = claim(10);
        for (Claimed c : due) {
            String error = null;
            try {
                Integration i = c.integration();
                providers.push(
                        new Providers.Target(
                                i.provider,
                                box.open(i.tokenSealed, Integration.TOKEN.aad(i.id)),
                                i.targetProjectId,
                                i.teamId,
                                i.targets == null ? List.of() : Arrays.asList(i.targets.split(",")),
                                i.accountId,
                                i.siteId),
                        connections.fetch(i.projectId));
            } catch (IOException | RuntimeException e) {
                error = Redact.urlPasswords(e.getMessage() != null ? e.getMessage() : e.toString());
            }
            record(c, error);
        }
    }

    /** Runs on the scheduler's worker thread, which waits for the claim; the pushes stay on that thread. */
    private List<Claimed> claim(int limit) {
        return Await.reactive(() -> pool.withTransaction(
                        conn -> conn.preparedQuery("""
                         UPDATE integration_sync s SET leased_until = now() + interval '2 minutes', attempts = s.attempts + 1
                          WHERE s.id IN (SELECT id FROM integration_sync WHERE status = 'pending' AND next_attempt_at <= now()
                                           AND (leased_until IS NULL OR leased_until < now())
                                         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                         RETURNING s.id, s.event_id, s.attempts, s.integration_id""").execute(Tuple.of(limit)))
                .chain(rows -> {
                    List<Row> raw = new ArrayList<>();
                    rows.forEach(raw::add);
                    return Panache.withSession(() -> {
                        Uni<List<Claimed>> out = Uni.createFrom().item(new ArrayList<>());
                        for (Row r : raw) {
                            out = out.chain(list -> Integration.<Integration>findById(r.getUUID(3))
                                    .map(i -> {
                                        if (i != null) {
                                            list.add(new Claimed(r.getUUID(0), r.getString(1), r.getInteger(2), i));
                                        }
                                        return list;
                                    }));
                        }
                        return out;
                    });
                }));
    }

    private void record(Claimed c, String error) {
        List<Duration> delays = config.syncRetryDelays();
        Instant now = Instant.now();
        boolean retry = error != null && c.attempt() < delays.size();
        String status = error == null ? "succeeded" : retry ? "pending" : "failed";
        OffsetDateTime next = retry ? utc(now.plus(delays.get(c.attempt()))) : null;
        Await.reactive(() -> pool.withTransaction(conn -> conn.preparedQuery(
                        "UPDATE integration_sync SET status = $1, leased_until = NULL,"
                                + " next_attempt_at = $2, last_error = $3 WHERE id = $4")
                .execute(Tuple.of(status, next, error, c.syncId()))
                .chain(() -> conn.preparedQuery("UPDATE integration SET last_sync_status = $1,"
                                + " last_sync_at = $2, last_sync_error = $3 WHERE id = $4")
                        .execute(Tuple.of(
                                error == null ? "succeeded" : retry ? "retrying" : "failed",
                                utc(now),
                                error,
                                c.integration().id)))));
        if (error != null) {
            LOG.warnf(
                    "env push to %s integration %s (attempt %d) failed: %s",
                    c.integration().provider, c.integration().id, c.attempt(), error);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
