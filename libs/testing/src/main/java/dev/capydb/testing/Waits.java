package dev.capydb.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/** The project's standard waits: tests wait for a condition, polled, with a bound; never for a fixed time. */
public final class Waits {

    /** Long enough for a Kafka round trip or a small job on a busy two-core machine, short enough to fail fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Often enough that a test does not linger after its condition holds, rarely enough not to load what it polls. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private Waits() {}

    /** An Awaitility wait with the project's poll interval, named so that a timeout says what never happened. */
    public static ConditionFactory await(String description, Duration atMost) {
        return Awaitility.await(description)
                .atMost(atMost)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL);
    }

    /** Waits up to the default timeout until {@code condition} is true. */
    public static void until(String description, Callable<Boolean> condition) {
        until(DEFAULT_TIMEOUT, description, condition);
    }

    /** Waits up to {@code atMost} until {@code condition} is true. */
    public static void until(Duration atMost, String description, Callable<Boolean> condition) {
        await(description, atMost).until(condition);
    }

    /** Polls {@code value} until {@code done} accepts it (null is never done), and returns that value. */
    public static <T> T until(Duration atMost, String description, Callable<T> value, Predicate<? super T> done) {
        return until(atMost, description, value, done, String::valueOf);
    }

    /** As the four-argument {@code until}; a timeout shows the last value as {@code show} renders it. */
    public static <T> T until(
            Duration atMost,
            String description,
            Callable<T> value,
            Predicate<? super T> done,
            Function<? super T, String> show) {
        return until(await(description, atMost), description, value, done, show);
    }

    /**
     * Polls {@code value} as {@code wait} says (e.g. {@link #await} with another poll interval) until {@code done}
     * accepts it; a timeout shows the last value that was not null as {@code show} does.
     */
    public static <T> T until(
            ConditionFactory wait,
            String description,
            Callable<T> value,
            Predicate<? super T> done,
            Function<? super T, String> show) {
        // Awaitility's own timeout names the lambda, not what was seen: the last value is what explains a failure.
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return wait.until(
                    () -> {
                        T v = value.call();
                        if (v != null) {
                            last.set(v);
                        }
                        return v;
                    },
                    v -> v != null && done.test(v));
        } catch (ConditionTimeoutException e) {
            T seen = last.get();
            throw new AssertionError(
                    description + ": not reached in time; last seen: " + (seen == null ? "nothing" : show.apply(seen)),
                    e);
        }
    }

    /**
     * Waits up to {@code atMost} until {@code condition} is true and tells whether it became so, for a test that
     * reports what it measured before it asserts.
     */
    public static boolean within(Duration atMost, String description, Callable<Boolean> condition) {
        return within(await(description, atMost), condition);
    }

    /** As {@link #within(Duration, String, Callable)}, polling as {@code wait} says. */
    public static boolean within(ConditionFactory wait, Callable<Boolean> condition) {
        try {
            wait.until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Waits up to the default timeout until {@code assertion} passes; a timeout reports its last failure. */
    public static void untilAsserted(String description, ThrowingRunnable assertion) {
        untilAsserted(DEFAULT_TIMEOUT, description, assertion);
    }

    /** Waits up to {@code atMost} until {@code assertion} passes; a timeout reports its last failure. */
    public static void untilAsserted(Duration atMost, String description, ThrowingRunnable assertion) {
        await(description, atMost).untilAsserted(assertion);
    }

    /** Checks that {@code holds} stays true for the whole of {@code period}: the "nothing happens" check. */
    public static void during(Duration period, String description, Callable<Boolean> holds) {
        Awaitility.await(description)
                .during(period)
                .atMost(period.plus(Duration.ofSeconds(5)))
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL)
                .until(() -> {
                    if (!holds.call()) {
                        // Awaitility would wait for it to hold again; a broken "nothing happens" fails at once.
                        throw new AssertionError(description + ": not so any more");
                    }
                    return true;
                });
    }
}
