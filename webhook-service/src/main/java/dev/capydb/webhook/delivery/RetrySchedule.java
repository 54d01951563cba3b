package dev.capydb.webhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When the next attempt of a failed delivery happens: the configured delay for that attempt with jitter, pushed
 * later by a {@code Retry-After} the endpoint sent; empty once every attempt is spent.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    /** {@code random} yields values in [0, 1); tests pass a fixed one. */
    public RetrySchedule(List<Duration> delays, double jitter, Duration maxRetryAfter, DoubleSupplier random) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
        this.delays = List.copyOf(delays);
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    public int maxAttempts() {
        return delays.size();
    }

    /** The first attempt's time for a delivery created at {@code now}. */
    public Instant first(Instant now) {
        return now.plus(delays.get(0));
    }

    /**
     * After {@code attemptsDone} failed attempts (the latest at {@code now}), when to try again.
     *
     * @param retryAfter the endpoint's {@code Retry-After}, if it sent one
     */
    public Optional<Instant> next(int attemptsDone, Instant now, Optional<Duration> retryAfter) {
        if (attemptsDone >= delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(attemptsDone);
        long ms = base.toMillis();
        long jittered = Math.round(ms * (1 + jitter * (2 * random.getAsDouble() - 1)));
        Duration delay = Duration.ofMillis(Math.max(0, jittered));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.get();
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return Optional.of(now.plus(delay));
    }

    /** Parses {@code Retry-After}: delay-seconds or an HTTP-date; empty when absent or unreadable. */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.trim();
        try {
            long seconds = Long.parseLong(h);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }
}
