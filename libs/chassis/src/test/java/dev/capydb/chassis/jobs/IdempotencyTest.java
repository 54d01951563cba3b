package dev.capydb.chassis.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.errors.UniqueViolation;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A repeated or racing request with one Idempotency-Key answers with the first job; other failures stay failures. */
class IdempotencyTest {

    private static final RuntimeException LOST_RACE = new IllegalStateException(
            "could not execute statement",
            new SQLException("ERROR: duplicate key value violates unique constraint \"restore_idempotency\"", "23505"));

    @Test
    void anEarlierJobIsReturnedWithoutCreating() {
        AtomicInteger created = new AtomicInteger();
        var outcome = Idempotency.once("k", k -> Optional.of("first"), () -> "job-" + created.incrementAndGet());
        assertEquals("first", outcome.job());
        assertFalse(outcome.created());
        assertEquals(0, created.get());
    }

    @Test
    void theLoserOfARaceGetsTheWinnersJob() {
        // Not there when this request looked; there once its insert failed.
        Deque<Optional<String>> lookups = new ArrayDeque<>();
        lookups.add(Optional.empty());
        lookups.add(Optional.of("winner"));
        var outcome = Idempotency.once("k", k -> lookups.pop(), () -> {
            throw LOST_RACE;
        });
        assertEquals("winner", outcome.job());
        assertFalse(outcome.created());
    }

    @Test
    void aFailureWithoutAnEarlierJobIsRethrown() {
        RuntimeException busy = new IllegalStateException("project_busy");
        assertSame(
                busy,
                assertThrows(
                        IllegalStateException.class,
                        () -> Idempotency.once("k", k -> Optional.empty(), () -> {
                            throw busy;
                        })));
        // Without a key nothing is looked up, before or after.
        assertSame(
                LOST_RACE,
                assertThrows(
                        IllegalStateException.class,
                        () -> Idempotency.once(
                                null,
                                k -> {
                                    throw new AssertionError("looked up without a key");
                                },
                                () -> {
                                    throw LOST_RACE;
                                })));
        var made = Idempotency.once(null, k -> Optional.of("never"), () -> "new");
        assertEquals("new", made.job());
        assertTrue(made.created());
    }

    @Test
    void uniqueViolationsAreFoundByIndexAnywhereInTheCauseChain() {
        assertTrue(UniqueViolation.in(LOST_RACE));
        assertTrue(UniqueViolation.of(LOST_RACE, "restore_idempotency"));
        assertFalse(UniqueViolation.of(LOST_RACE, "restore_one_overwrite"));
        assertFalse(UniqueViolation.of(LOST_RACE, "restore"), "the whole index name, not a prefix of it");
        assertFalse(UniqueViolation.in(new IllegalStateException(new SQLException("deadlock detected", "40P01"))));
        assertFalse(UniqueViolation.in(new IllegalStateException("no cause")));
    }
}
