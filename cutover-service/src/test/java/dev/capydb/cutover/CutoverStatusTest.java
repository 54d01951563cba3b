package dev.capydb.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.cutover.repository.CutoverStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cutover state machine: exactly the product's transitions are legal, every other pair is refused. */
class CutoverStatusTest {

    private static final Map<CutoverStatus, Set<CutoverStatus>> LEGAL = Map.of(
            CutoverStatus.OPEN, EnumSet.of(CutoverStatus.ACKED, CutoverStatus.REJECTED, CutoverStatus.CANCELLED),
            CutoverStatus.ACKED, EnumSet.of(CutoverStatus.IN_PROGRESS),
            CutoverStatus.IN_PROGRESS, EnumSet.of(CutoverStatus.COMPLETED, CutoverStatus.FAILED),
            CutoverStatus.REJECTED, EnumSet.noneOf(CutoverStatus.class),
            CutoverStatus.CANCELLED, EnumSet.noneOf(CutoverStatus.class),
            CutoverStatus.COMPLETED, EnumSet.noneOf(CutoverStatus.class),
            CutoverStatus.FAILED, EnumSet.noneOf(CutoverStatus.class));

    @Test
    void everyPairOfStatesIsLegalExactlyWhenTheProductSaysSo() {
        int legal = 0;
        for (CutoverStatus from : CutoverStatus.values()) {
            for (CutoverStatus to : CutoverStatus.values()) {
                boolean expected = LEGAL.get(from).contains(to);
                assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
                legal += expected ? 1 : 0;
            }
        }
        assertEquals(6, legal, "open→acked|rejected|cancelled, acked→in_progress, in_progress→completed|failed");
    }

    @Test
    void aFailedCutoverCanNeverRunAgain() {
        for (CutoverStatus to : CutoverStatus.values()) {
            assertFalse(CutoverStatus.FAILED.canMoveTo(to), "failed -> " + to);
        }
        assertFalse(CutoverStatus.OPEN.canMoveTo(CutoverStatus.IN_PROGRESS), "execution needs an operator's ack first");
    }

    @Test
    void onlyUnfinishedRequestsHoldThePreview() {
        assertEquals(
                EnumSet.of(CutoverStatus.OPEN, CutoverStatus.ACKED, CutoverStatus.IN_PROGRESS),
                EnumSet.copyOf(java.util.Arrays.stream(CutoverStatus.values())
                        .filter(CutoverStatus::active)
                        .toList()));
    }

    @Test
    void wireNamesRoundTrip() {
        for (CutoverStatus s : CutoverStatus.values()) {
            assertEquals(s, CutoverStatus.fromWire(s.wire()).orElseThrow());
        }
        assertEquals("in_progress", CutoverStatus.IN_PROGRESS.wire());
        assertTrue(CutoverStatus.fromWire("IN_PROGRESS").isEmpty());
    }
}
