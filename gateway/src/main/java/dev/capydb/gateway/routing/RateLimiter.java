package dev.capydb.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** A token bucket per key: at most {@code burst} tokens, refilled at {@code ratePerSecond}; calls spend weights. */
public final class RateLimiter {

    private static final int MAX_TRACKED = 100_000;

    /** Whether a request may pass, and if not, how many whole seconds until it may. */
    public record Decision(boolean allowed, long retryAfterSeconds) {}

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

    /**
     * Spends {@code weight} tokens of {@code key}'s bucket if it holds them. A weight above the burst costs the whole
     * bucket instead: such a call passes once the bucket is full, rather than never.
     */
    public Decision take(String key, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, got " + weight);
        }
        double cost = Math.min(weight, burst);
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED) {
            // Idle keys are full anyway; forgetting them changes nothing they could notice.
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            double elapsed = (now - b.updatedNanos) / 1e9;
            b.tokens = Math.min(burst, b.tokens + elapsed * ratePerSecond);
            b.updatedNanos = now;
            if (b.tokens >= cost) {
                b.tokens -= cost;
                return new Decision(true, 0);
            }
            return new Decision(false, (long) Math.ceil((cost - b.tokens) / ratePerSecond));
        }
    }
}
