package dev.capydb.chassis.jobs;

import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The job engine of one service's job table: its {@link JobRunner} plus the schedule that drives it (claim, renew
 * leases, hand dead workers' jobs to the service), registered with the Quarkus scheduler at startup and removed at
 * shutdown. The service supplies only its {@link JobHandler}; the contract is {@code docs/jobs.md}.
 */
public final class JobEngine {

    private static final Logger LOG = Logger.getLogger(JobEngine.class);

    /** The engine's recurring passes. */
    enum Tick {
        /** Claims work; the delay lets the service finish starting before its first job. */
        POLL("1s", "2s"),
        /** Renews the leases of this replica's jobs; it must beat several times within any lease. */
        HEARTBEAT("10s", null),
        /** Hands jobs whose lease ran out to {@link JobHandler#leaseExpired}. */
        REAP("15s", null);

        final String every;
        final String delayed;

        Tick(String every, String delayed) {
            this.every = every;
            this.delayed = delayed;
        }
    }

    private final String name;
    private final JobLeases leases;
    private final JobHandler handler;
    private final JobRunner runner;
    private volatile Scheduler scheduler;

    /**
     * @param name    names the worker threads, the lease holder and the scheduled passes ({@code backup}, …)
     * @param workers how many jobs this replica runs at once
     * @param lease   how long a job stays claimed without a heartbeat
     */
    public JobEngine(String name, JobLeases leases, int workers, Duration lease, JobHandler handler) {
        this.name = name;
        this.leases = leases;
        this.handler = handler;
        this.runner = new JobRunner(name, leases, workers, lease, handler);
    }

    /** Registers the schedule; called once, when the service has started. */
    public void start(Scheduler scheduler) {
        for (Tick tick : Tick.values()) {
            Scheduler.JobDefinition<?> pass = scheduler
                    .newJob(identity(tick))
                    .setInterval(tick.every)
                    .setConcurrentExecution(ConcurrentExecution.SKIP)
                    .setTask(execution -> run(tick));
            if (tick.delayed != null) {
                pass.setDelayed(tick.delayed);
            }
            pass.schedule();
        }
        this.scheduler = scheduler;
    }

    private void run(Tick tick) {
        switch (tick) {
            case POLL -> runner.poll();
            case HEARTBEAT -> runner.heartbeat();
            case REAP -> reap();
        }
    }

    /** Claims new work now rather than at the next poll (after a job was requested on this replica). */
    public void wake() {
        runner.wake();
    }

    /**
     * One pass over the running jobs whose lease ran out, each decided by the service; public so a test need not wait
     * for the schedule.
     */
    public void reap() {
        for (UUID id : leases.expired()) {
            handler.leaseExpired(id);
        }
    }

    /** Stops taking work and removes the schedule (at shutdown). */
    public void stop() {
        runner.stop();
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        for (Tick tick : Tick.values()) {
            try {
                s.unscheduleJob(identity(tick));
            } catch (RuntimeException e) {
                // The scheduler may be going down first; its passes end with it.
                LOG.debugf("cannot unschedule %s: %s", identity(tick), e.getMessage());
            }
        }
    }

    private String identity(Tick tick) {
        return name + "-jobs-" + tick.name().toLowerCase(Locale.ROOT);
    }
}
