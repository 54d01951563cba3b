package dev.capydb.chassis.jobs;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} on a POST that starts a job: a repeated request answers with the job the first one
 * created, also when both arrive at once. Then both miss the earlier job, and the loser's insert fails (the unique
 * index on project and key, or a "project busy" check that already sees the winner's job): it answers with the
 * winner's job instead of an error.
 */
public final class Idempotency {

    private Idempotency() {
    }

    /**
     * The job an earlier request with {@code key} created ({@code earlier} looks it up), else the one {@code create}
     * makes now. Without a key every call creates.
     */
    public static <T> Outcome<T> once(String key, Function<String, Optional<T>> earlier, Supplier<T> create) {
        if (key != null) {
            Optional<T> found = earlier.apply(key);
            if (found.isPresent()) {
                return new Outcome<>(found.get(), false);
            }
        }
        try {
            return new Outcome<>(create.get(), true);
        } catch (RuntimeException e) {
            if (key != null) {
                Optional<T> winner = earlier.apply(key);
                if (winner.isPresent()) {
                    return new Outcome<>(winner.get(), false);
                }
            }
            throw e;
        }
    }

    /** The job, and whether this call created it (only then is a worker worth waking). */
    public record Outcome<T>(T job, boolean created) {
    }
}
