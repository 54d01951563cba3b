package dev.capydb.chassis.jobs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/** Starts every {@link JobWorker}'s engine once the service has started, and stops it at shutdown. */
@ApplicationScoped
public class JobEngines {

    private final Instance<JobWorker> workers;

    public JobEngines(Instance<JobWorker> workers) {
        this.workers = workers;
    }

    void start(@Observes StartupEvent start, Scheduler scheduler) {
        workers.forEach(w -> w.engine().start(scheduler));
    }

    void stop(@Observes ShutdownEvent stop) {
        workers.forEach(w -> w.engine().stop());
    }
}
