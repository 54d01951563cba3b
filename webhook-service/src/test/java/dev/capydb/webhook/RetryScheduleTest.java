package dev.capydb.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.webhook.delivery.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Standard Webhooks retry schedule with a controllable clock and jitter source. */
class RetryScheduleTest {

    private static final List<Duration> SPEC = List.of(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private static RetrySchedule schedule(double random) {
        return new RetrySchedule(SPEC, 0.1, Duration.ofHours(10), () -> random);
    }

    @Test
    void followsTheScheduleThenGivesUp() {
        RetrySchedule s = schedule(0.5); // 0.5 = no jitter
        assertEquals(NOW, s.first(NOW));
        List<Duration> expected = SPEC.subList(1, SPEC.size());
        for (int done = 1; done < SPEC.size(); done++) {
            assertEquals(
                    Optional.of(NOW.plus(expected.get(done - 1))),
                    s.next(done, NOW, Optional.empty()),
                    "after attempt " + done);
        }
        assertEquals(Optional.empty(), s.next(8, NOW, Optional.empty()), "eight attempts, then exhausted");
        assertEquals(8, s.maxAttempts());
    }

    @Test
    void jitterStaysWithinTenPercent() {
        Instant low = schedule(0.0).next(2, NOW, Optional.empty()).orElseThrow();
        Instant high = schedule(0.999999).next(2, NOW, Optional.empty()).orElseThrow();
        assertEquals(NOW.plus(Duration.ofSeconds(270)), low); // 5 min - 10 %
        assertTrue(high.isAfter(NOW.plus(Duration.ofSeconds(329))) && !high.isAfter(NOW.plus(Duration.ofSeconds(330))));
    }

    @Test
    void retryAfterPushesTheNextAttemptLaterNeverEarlier() {
        RetrySchedule s = schedule(0.5);
        assertEquals(
                Optional.of(NOW.plus(Duration.ofSeconds(120))), s.next(1, NOW, Optional.of(Duration.ofSeconds(120))));
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(5))), s.next(2, NOW, Optional.of(Duration.ofSeconds(1))));
        assertEquals(
                Optional.of(NOW.plus(Duration.ofHours(10))),
                s.next(1, NOW, Optional.of(Duration.ofDays(3))),
                "an absurd Retry-After is capped");
    }

    @Test
    void parsesBothRetryAfterForms() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), RetrySchedule.parseRetryAfter("30", NOW));
        assertEquals(
                Optional.of(Duration.ofSeconds(90)),
                RetrySchedule.parseRetryAfter("Sat, 21 Nov 2026 10:01:30 GMT", NOW));
        assertEquals(Optional.empty(), RetrySchedule.parseRetryAfter("soon", NOW));
        assertEquals(Optional.empty(), RetrySchedule.parseRetryAfter(null, NOW));
        assertEquals(Optional.empty(), RetrySchedule.parseRetryAfter("-5", NOW));
    }
}
