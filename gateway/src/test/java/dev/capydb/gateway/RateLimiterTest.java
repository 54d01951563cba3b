package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.gateway.routing.RateLimiter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets with a controlled clock: per key, refilled over time, spent by each call's weight. */
class RateLimiterTest {

    @Test
    void burstThenRefillPerPrincipal() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take("alice", 1).allowed());
        }
        RateLimiter.Decision refused = limiter.take("alice", 1);
        assertFalse(refused.allowed());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(limiter.take("bob", 1).allowed(), "another principal has its own bucket");
        now.addAndGet(500_000_000L);
        assertTrue(limiter.take("alice", 1).allowed(), "half a second at 2/s refills one token");
        assertFalse(limiter.take("alice", 1).allowed());
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take("alice", 1).allowed());
        }
        assertFalse(limiter.take("alice", 1).allowed(), "the bucket never holds more than the burst");
    }

    @Test
    void aHeavyCallSpendsItsWeight() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(1, 20, now::get);
        assertTrue(limiter.take("alice", 10).allowed());
        assertTrue(limiter.take("alice", 10).allowed());
        RateLimiter.Decision refused = limiter.take("alice", 10);
        assertFalse(refused.allowed(), "two heavy calls spend a burst of 20");
        assertEquals(10, refused.retryAfterSeconds(), "ten tokens at 1/s");
        assertFalse(limiter.take("alice", 1).allowed(), "nothing left for a read either");
        for (int i = 0; i < 20; i++) {
            assertTrue(limiter.take("bob", 1).allowed(), "twenty reads fit the same burst");
        }
        now.addAndGet(9_000_000_000L);
        assertFalse(limiter.take("alice", 10).allowed(), "nine tokens are not enough");
        assertTrue(limiter.take("alice", 9).allowed(), "a lighter call fits what has refilled");
        now.addAndGet(10_000_000_000L);
        assertTrue(limiter.take("alice", 10).allowed(), "ten seconds later the heavy call passes");
    }

    @Test
    void aCallHeavierThanTheBurstPassesOnceTheBucketIsFull() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(2, 5, now::get);
        assertTrue(limiter.take("alice", 12).allowed(), "it costs the whole bucket, not more than it can hold");
        RateLimiter.Decision refused = limiter.take("alice", 12);
        assertFalse(refused.allowed());
        assertEquals(3, refused.retryAfterSeconds(), "the time to refill the whole bucket: 5 tokens at 2/s");
        assertTrue(limiter.take("bob", 1).allowed());
        assertFalse(limiter.take("bob", 12).allowed(), "a bucket that is not full does not let it pass");
        now.addAndGet(2_500_000_000L);
        assertTrue(limiter.take("alice", 12).allowed(), "full again");
    }

    @Test
    void aWeightBelowOneIsAMistake() {
        RateLimiter limiter = new RateLimiter(1, 5, () -> 0L);
        assertThrows(IllegalArgumentException.class, () -> limiter.take("alice", 0));
    }
}
