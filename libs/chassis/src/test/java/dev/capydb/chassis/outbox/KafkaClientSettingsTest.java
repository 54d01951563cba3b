package dev.capydb.chassis.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay and the admin client connect as the channels do: with the broker's security settings, and only those. */
class KafkaClientSettingsTest {

    @Test
    void keepsTheSecuritySettingsOfTheBrokerConnectionAndNothingElse() {
        Map<String, Object> broker = Map.of(
                "bootstrap.servers", "capydb-kafka-bootstrap:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.type", "PEM",
                "auto.offset.reset", "earliest");

        assertEquals(
                Map.of(
                        "security.protocol",
                        "SASL_SSL",
                        "sasl.mechanism",
                        "SCRAM-SHA-512",
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                        "ssl.truststore.type",
                        "PEM"),
                KafkaClientSettings.security(broker));
    }
}
