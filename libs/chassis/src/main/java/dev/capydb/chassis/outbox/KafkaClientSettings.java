package dev.capydb.chassis.outbox;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the Kafka clients the chassis builds itself (the outbox relay's producer, the consistency checks' admin client)
 * authenticate: the same {@code security.protocol}, {@code sasl.*} and {@code ssl.*} settings the messaging channels
 * get from {@code kafka.*} (or {@code KAFKA_*} in the environment). Without them a broker that requires SASL would
 * see the relay as an anonymous client and refuse every event.
 */
@ApplicationScoped
public class KafkaClientSettings {

    private final Map<String, Object> security;

    public KafkaClientSettings(@Identifier("default-kafka-broker") Map<String, Object> broker) {
        this.security = security(broker);
    }

    /** The connection's security settings, to add to a client's own. */
    public Map<String, Object> security() {
        return security;
    }

    static Map<String, Object> security(Map<String, Object> broker) {
        Map<String, Object> out = new TreeMap<>();
        broker.forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                out.put(key, value);
            }
        });
        return Map.copyOf(out);
    }
}
