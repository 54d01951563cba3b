package dev.capydb.chassis.outbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failed relay passes hold back publishing at commit: Kafka's, never the database's. */
class RelayFailureTest {

    @Test
    void onlyAKafkaFailureCounts() {
        assertTrue(OutboxRelay.isKafkaFailure(new TimeoutException("Topic capydb.projects not present in metadata")));
        assertTrue(OutboxRelay.isKafkaFailure(new IllegalStateException("send failed", new KafkaException("closed"))));
        assertFalse(
                OutboxRelay.isKafkaFailure(new IllegalStateException(
                        "pass failed",
                        new SQLException("An I/O error occurred while sending to the backend.", "08006"))),
                "a restarting control-plane database says nothing about Kafka");
        assertFalse(OutboxRelay.isKafkaFailure(new IllegalStateException("Connection to 127.0.0.1:15432 refused")));
    }
}
