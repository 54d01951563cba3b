package dev.capydb.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** A token bucket per principal: {@code burst} requests at once, refilled at {@code ratePerSecond}. */
public final class RateLimiter {

    private static final int MAX_TRACKED = 100_000;

    /** Whether a request may pass, and if not, how many whole seconds until it may. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double ratePerSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    public Decision take(String principal) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED) {
            // Idle principals are full anyway; forgetting them changes nothing they could notice.
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(principal, k -> new Bucket(burst, now));
        synchronized (b) {
            double elapsed = (now - b.updatedNanos) / 1e9;
            b.tokens = Math.min(burst, b.tokens + elapsed * ratePerSecond);
            b.updatedNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return new Decision(true, 0);
            }
            return new Decision(false, (long) Math.ceil((1 - b.tokens) / ratePerSecond));
        }
    }
}
