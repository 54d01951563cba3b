package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capydb.gateway.routing.ReplicaShare;
import org.junit.jupiter.api.Test;

/** Each replica enforces its part of the cluster-wide limit, and a heavy call still fits one replica's bucket. */
class ReplicaShareTest {

    @Test
    void oneReplicaEnforcesTheWholeLimit() {
        assertEquals(new ReplicaShare(50, 100), ReplicaShare.of(50, 100, 1, 10));
    }

    @Test
    void replicasSplitRateAndBurst() {
        assertEquals(new ReplicaShare(12.5, 25), ReplicaShare.of(50, 100, 4, 10));
        assertEquals(new ReplicaShare(50.0 / 3, 34), ReplicaShare.of(50, 100, 3, 10), "the burst rounds up");
    }

    @Test
    void theBurstNeverDropsBelowTheHeaviestCall() {
        assertEquals(new ReplicaShare(5.0 / 3, 10), ReplicaShare.of(5, 20, 3, 10));
    }

    @Test
    void noReplicasIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaShare.of(50, 100, 0, 10));
    }
}
