package dev.capydb.chassis.observability;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where one job's time went, phase by phase: each {@link #mark} ends a phase, records it in
 * {@code capydb_job_phase_seconds{kind,phase}} and keeps it for the job's log line ("lock 2 ms, dump 640 ms, …").
 * Not thread-safe: one job, one worker thread.
 */
public final class JobPhases {

    static final String TIMER = "capydb.job.phase";

    private final String kind;
    private final List<String> done = new ArrayList<>();
    private long phaseStart = System.nanoTime();

    private JobPhases(String kind) {
        this.kind = kind;
    }

    /** Starts timing the first phase of a job of {@code kind} now. */
    public static JobPhases start(String kind) {
        return new JobPhases(kind);
    }

    /** Ends the running phase under {@code phase} and starts the next one. */
    public void mark(String phase) {
        long now = System.nanoTime();
        long nanos = now - phaseStart;
        phaseStart = now;
        Timer.builder(TIMER)
                .description("Time jobs spent in each phase, by kind")
                .tag("kind", kind)
                .tag("phase", phase)
                .register(Metrics.globalRegistry)
                .record(nanos, TimeUnit.NANOSECONDS);
        done.add(phase + " " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
    }

    @Override
    public String toString() {
        return String.join(", ", done);
    }
}
