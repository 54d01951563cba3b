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

    /** Longest key accepted; an empty one is refused too, as it names nothing to repeat. */
    public static final int MAX_KEY_LENGTH = 200;

    /** What {@link #validKey} requires, for the {@code validation_failed} detail. */
    public static final String KEY_RULE = "must be 1-" + MAX_KEY_LENGTH + " characters";

    private Idempotency() {}

    /** Whether {@code key} (the header's value, null when absent) is one this API accepts. */
    public static boolean validKey(String key) {
        return key == null || (!key.isEmpty() && key.length() <= MAX_KEY_LENGTH);
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
    public record Outcome<T>(T job, boolean created) {}
}
