package dev.capydb.chassis.observability;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.JobPayload;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * Job counts and durations by kind and outcome ({@code capydb_job_duration_seconds{kind,outcome}}), taken from
 * the one path every job ends through: its {@code job.completed}/{@code job.failed} outbox event. Recorded only once
 * that transaction commits, so a rolled-back ending is not counted.
 */
@ApplicationScoped
public class JobMetrics {

    static final String TIMER = "capydb.job.duration";

    private final MeterRegistry registry;
    private final TransactionSynchronizationRegistry transactions;

    public JobMetrics(MeterRegistry registry, TransactionSynchronizationRegistry transactions) {
        this.registry = registry;
        this.transactions = transactions;
    }

    /** Called for every outbox event inside its transaction; acts on job endings only. */
    public void onPublished(EventEnvelope event) {
        Optional<EventType> type = event.eventType();
        if (type.isEmpty() || (type.get() != EventType.JOB_COMPLETED && type.get() != EventType.JOB_FAILED)) {
            return;
        }
        JobPayload job = event.dataAs(JobPayload.class);
        String outcome = type.get() == EventType.JOB_COMPLETED ? "completed" : "failed";
        Duration took = job.startedAt() == null || job.completedAt() == null
                ? Duration.ZERO
                : Duration.between(job.startedAt(), job.completedAt());
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    record(job.jobKind(), outcome, took);
                }
            }
        });
    }

    /** Records one ended job. */
    public void record(String kind, String outcome, Duration took) {
        Timer.builder(TIMER)
                .description("Jobs that ended, by kind and outcome, and how long they ran")
                .tag("kind", kind == null ? "unknown" : kind)
                .tag("outcome", outcome)
                .register(registry)
                .record(took.isNegative() ? Duration.ZERO : took);
    }
}
