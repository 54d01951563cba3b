package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.gateway.routing.RateLimiter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets with a controlled clock. */
class RateLimiterTest {

    @Test
    void burstThenRefillPerPrincipal() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take("alice").allowed());
        }
        RateLimiter.Decision refused = limiter.take("alice");
        assertFalse(refused.allowed());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(limiter.take("bob").allowed(), "another principal has its own bucket");
        now.addAndGet(500_000_000L);
        assertTrue(limiter.take("alice").allowed(), "half a second at 2/s refills one token");
        assertFalse(limiter.take("alice").allowed());
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take("alice").allowed());
        }
        assertFalse(limiter.take("alice").allowed(), "the bucket never holds more than the burst");
    }
}
