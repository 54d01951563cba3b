package dev.capydb.chassis.jobs;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * A replica's pool of job workers over one job table: claims jobs while it has free workers, runs each on a
 * worker thread (never the event loop), renews their leases, and stops taking work at shutdown (a job interrupted
 * then keeps its lease until it runs out, and is handled like any dead worker's).
 */
final class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobLeases leases;
    private final int workers;
    private final Duration lease;
    private final JobHandler handler;
    private final String workerId;
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private final ExecutorService waker;
    private volatile boolean stopping;

    JobRunner(String name, JobLeases leases, int workers, Duration lease, JobHandler handler) {
        this.leases = leases;
        this.workers = workers;
        this.lease = lease;
        this.handler = handler;
        this.workerId = name + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.pool = Executors.newFixedThreadPool(workers, r -> new Thread(r, name + "-worker"));
        this.waker = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-waker"));
    }

    /** Claims new work now rather than at the next poll (after a job was requested on this replica). */
    public void wake() {
        if (!stopping) {
            waker.execute(this::poll);
        }
    }

    /** Claims and starts jobs while workers are free. */
    public synchronized void poll() {
        while (!stopping && active.size() < workers) {
            Optional<UUID> claimed = leases.claimNext(workerId, lease);
            if (claimed.isEmpty()) {
                return;
            }
            UUID id = claimed.get();
            active.add(id);
            pool.submit(() -> {
                try {
                    handler.run(id);
                } catch (RuntimeException e) {
                    if (stopping) {
                        LOG.infof("job %s interrupted by shutdown; its lease will run out and it is handled then", id);
                    } else {
                        LOG.errorf(e, "job %s failed unexpectedly", id);
                        handler.crashed(id, e);
                    }
                } finally {
                    active.remove(id);
                }
            });
        }
    }

    /** Renews the leases of the jobs this replica runs. */
    public void heartbeat() {
        leases.renew(workerId, active, lease);
    }

    public void stop() {
        stopping = true;
        waker.shutdownNow();
        pool.shutdownNow();
    }
}
