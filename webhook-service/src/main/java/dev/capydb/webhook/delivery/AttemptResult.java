package dev.capydb.webhook.delivery;

import java.time.Duration;
import java.util.Optional;

/** What an endpoint answered (or why nothing was sent). {@code statusCode} is absent for a transport failure. */
public record AttemptResult(
        Optional<Integer> statusCode, Optional<Duration> retryAfter, String error, long durationMs) {

    public boolean delivered() {
        return statusCode.filter(c -> c >= 200 && c < 300).isPresent();
    }

    public boolean gone() {
        return statusCode.filter(c -> c == 410).isPresent();
    }

    public static AttemptResult failure(String error, long durationMs) {
        return new AttemptResult(Optional.empty(), Optional.empty(), error, durationMs);
    }
}
