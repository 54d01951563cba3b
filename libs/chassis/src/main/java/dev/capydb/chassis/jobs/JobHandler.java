package dev.capydb.chassis.jobs;

import java.util.UUID;

/**
 * What one service does with the jobs of its table, for {@link JobEngine}: how a job runs, how an unexpected
 * failure is recorded, and what becomes of a job whose worker died (its own attempt policy).
 */
public interface JobHandler {

    /** Runs one claimed job to its end, recording its success or failure itself. */
    void run(UUID id);

    /** Records a job whose run threw unexpectedly (the engine has logged {@code e}). */
    void crashed(UUID id, Throwable e);

    /**
     * Decides a running job whose lease ran out: its worker died or stalled. The service re-queues it
     * ({@link JobLeases#requeue}) where running it again is safe and attempts are left, and fails it otherwise.
     */
    void leaseExpired(UUID id);
}
