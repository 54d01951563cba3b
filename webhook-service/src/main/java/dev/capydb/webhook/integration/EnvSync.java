package dev.capydb.webhook.integration;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.webhook.config.WebhookConfig;
import dev.capydb.webhook.repository.Integration;
import dev.capydb.webhook.service.Redact;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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

    private final AgroalDataSource dataSource;
    private final Providers providers;
    private final ConnectionSource connections;
    private final SecretBox box;
    private final WebhookConfig config;

    public EnvSync(
            AgroalDataSource dataSource,
            Providers providers,
            ConnectionSource connections,
            SecretBox box,
            WebhookConfig config) {
        this.dataSource = dataSource;
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
    public int enqueue(EventEnvelope e) {
        if (e.projectId() == null || !triggers(e)) {
            return 0;
        }
        Instant now = Instant.now();
        int n = 0;
        for (Integration i : Integration.<Integration>list("projectId", e.projectId())) {
            n += Panache.getEntityManager()
                    .createNativeQuery("INSERT INTO integration_sync (id, integration_id, event_id,"
                            + " event_type, status, attempts, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', 0,"
                            + " ?5, ?5) ON CONFLICT (integration_id, event_id) DO NOTHING")
                    .setParameter(1, UUID.randomUUID())
                    .setParameter(2, i.id)
                    .setParameter(3, e.id().toString())
                    .setParameter(4, e.type())
                    .setParameter(5, now)
                    .executeUpdate();
            i.lastSyncStatus = "pending";
            i.lastSyncEvent = e.type();
        }
        return n;
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

    private List<Claimed> claim(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Object[]> raw = new ArrayList<>();
            try (Connection conn = dataSource.getConnection();
                    PreparedStatement st = conn.prepareStatement("""
                         UPDATE integration_sync s SET leased_until = now() + interval '2 minutes', attempts = s.attempts + 1
                          WHERE s.id IN (SELECT id FROM integration_sync WHERE status = 'pending' AND next_attempt_at <= now()
                                           AND (leased_until IS NULL OR leased_until < now())
                                         ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                         RETURNING s.id, s.event_id, s.attempts, s.integration_id""")) {
                st.setInt(1, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        raw.add(new Object[] {
                            rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getObject(4, UUID.class)
                        });
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot claim integration syncs", e);
            }
            List<Claimed> out = new ArrayList<>();
            for (Object[] r : raw) {
                Integration i = Integration.findById(r[3]);
                if (i != null) {
                    out.add(new Claimed((UUID) r[0], (String) r[1], (Integer) r[2], i));
                }
            }
            return out;
        });
    }

    private void record(Claimed c, String error) {
        List<Duration> delays = config.syncRetryDelays();
        Instant now = Instant.now();
        boolean retry = error != null && c.attempt() < delays.size();
        String status = error == null ? "succeeded" : retry ? "pending" : "failed";
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection conn = dataSource.getConnection();
                    PreparedStatement st =
                            conn.prepareStatement("UPDATE integration_sync SET status = ?, leased_until = NULL,"
                                    + " next_attempt_at = ?, last_error = ? WHERE id = ?");
                    PreparedStatement it = conn.prepareStatement("UPDATE integration SET last_sync_status = ?,"
                            + " last_sync_at = ?, last_sync_error = ? WHERE id = ?")) {
                st.setString(1, status);
                st.setTimestamp(2, retry ? Timestamp.from(now.plus(delays.get(c.attempt()))) : null);
                st.setString(3, error);
                st.setObject(4, c.syncId());
                st.executeUpdate();
                it.setString(1, error == null ? "succeeded" : retry ? "retrying" : "failed");
                it.setTimestamp(2, Timestamp.from(now));
                it.setString(3, error);
                it.setObject(4, c.integration().id);
                it.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot record an integration sync", e);
            }
        });
        if (error != null) {
            LOG.warnf(
                    "env push to %s integration %s (attempt %d) failed: %s",
                    c.integration().provider, c.integration().id, c.attempt(), error);
        }
    }
}
