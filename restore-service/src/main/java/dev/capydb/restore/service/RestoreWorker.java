package dev.capydb.restore.service;

import dev.capydb.chassis.jobs.JobLeases;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.events.EventType;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.dataplane.BackupLoader;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestoreStatus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs pending restores. Restoring into a new preview touches nothing that existed: the preview's database is
 * created, loaded from the backup as the preview's own role, and marked ready; any failure drops it again. A new
 * preview whose worker died is simply started over, once.
 */
@ApplicationScoped
public class RestoreWorker {

    private static final Logger LOG = Logger.getLogger(RestoreWorker.class);
    private static final int NEW_PREVIEW_ATTEMPTS = 2;

    private final RestoreService restores;
    private final PreviewService previews;
    private final BackupLoader loader;
    private final HostRegistry hosts;
    private final RestoreEvents events;
    private final RestoreConfig config;
    private final JobLeases leases;
    private final String workerId = "restore-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private final ExecutorService waker = Executors.newSingleThreadExecutor(r -> new Thread(r, "restore-waker"));
    private volatile boolean stopping;

    public RestoreWorker(RestoreService restores, PreviewService previews, BackupLoader loader, HostRegistry hosts,
                         RestoreEvents events, RestoreConfig config, AgroalDataSource dataSource) {
        this.restores = restores;
        this.previews = previews;
        this.loader = loader;
        this.hosts = hosts;
        this.events = events;
        this.config = config;
        this.leases = new JobLeases(dataSource, "restore");
        this.pool = Executors.newFixedThreadPool(config.workers(), r -> new Thread(r, "restore-worker"));
    }

    /** Claims new work now rather than at the next tick. */
    public void wake() {
        if (!stopping) {
            waker.execute(this::poll);
        }
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "2s")
    synchronized void poll() {
        while (!stopping && active.size() < config.workers()) {
            Optional<UUID> claimed = leases.claimNext(workerId, config.lease());
            if (claimed.isEmpty()) {
                return;
            }
            UUID id = claimed.get();
            active.add(id);
            pool.submit(() -> {
                try {
                    run(id);
                } catch (RuntimeException e) {
                    if (!stopping) {
                        LOG.errorf(e, "restore %s failed unexpectedly", id);
                        failAndDropPreview(id, "internal error: " + e.getMessage());
                    }
                } finally {
                    active.remove(id);
                }
            });
        }
    }

    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        leases.renew(workerId, active, config.lease());
    }

    /** A new-preview restore whose worker died starts over once; anything else fails (its target is intact). */
    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void reapExpiredLeases() {
        for (UUID id : leases.expired()) {
            Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
            if ("new_preview".equals(x.targetKind) && x.attempt < NEW_PREVIEW_ATTEMPTS) {
                LOG.warnf("restore %s: worker %s stopped; starting the new preview over", id, x.worker);
                QuarkusTransaction.requiringNew().run(() -> {
                    Restore row = Restore.findById(id);
                    row.status = row.status.moveTo(RestoreStatus.PENDING);
                    row.phase = "queued";
                    row.leaseUntil = null;
                    row.worker = null;
                });
            } else {
                failAndDropPreview(id, "the worker running this restore stopped; the target was not changed");
            }
        }
    }

    void run(UUID id) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        Preview preview = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
        var host = hosts.host(preview.hostId);
        phase(id, "creating_preview");
        try {
            previews.provision(preview);
        } catch (SQLException e) {
            failAndDropPreview(id, "cannot create the preview database: " + e.getMessage());
            return;
        }
        phase(id, "loading");
        AtomicLong bytes = new AtomicLong();
        ToolResult result = loader.load(host, x.backupKey, preview.databaseName, preview.roleName,
                previews.password(preview), bytes);
        if (!result.succeeded()) {
            failAndDropPreview(id, result.describeFailure("pg_restore"));
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Preview p = Preview.findById(preview.id);
            p.status = p.status.moveTo(PreviewStatus.READY);
            // The TTL runs from the moment the preview can be used.
            p.expiresAt = now.plus(java.time.Duration.ofHours(x.ttlHours));
            p.updatedAt = now;
            Restore row = Restore.findById(id);
            row.status = row.status.moveTo(RestoreStatus.COMPLETED);
            row.phase = "done";
            row.bytesDone = bytes.get();
            row.completedAt = now;
            row.leaseUntil = null;
            events.finished(row);
            events.preview(EventType.PREVIEW_READY, p);
        });
    }

    private void phase(UUID id, String phase) {
        QuarkusTransaction.requiringNew().run(() -> {
            Restore row = Restore.findById(id);
            row.phase = phase;
        });
    }

    private void failAndDropPreview(UUID id, String error) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if ("new_preview".equals(x.targetKind) && x.previewId != null) {
            Preview p = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
            if (p.status == PreviewStatus.CREATING) {
                try {
                    previews.drop(p, PreviewStatus.FAILED, null);
                } catch (RuntimeException e) {
                    LOG.warnf("could not drop the failed preview %s: %s", p.id, e.getMessage());
                }
            }
        }
        restores.fail(id, error);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
        waker.shutdownNow();
        pool.shutdownNow();
    }
}
