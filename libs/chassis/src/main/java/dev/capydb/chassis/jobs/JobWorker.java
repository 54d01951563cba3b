package dev.capydb.chassis.jobs;

/** A service's job handler that owns its {@link JobEngine}, which {@link JobEngines} starts and stops with the service. */
public interface JobWorker extends JobHandler {

    /** What runs this service's jobs: {@code wake()} it once one was requested on this replica. */
    JobEngine engine();
}
