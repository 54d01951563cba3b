package dev.capydb.testing;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Events handed to a service's {@code @Incoming} method as Kafka would: a record carrying the event's JSON. */
public final class Records {

    private Records() {}

    /** A record of {@code json}; the handlers read only the value (the inbox deduplicates by the event's id). */
    public static ConsumerRecord<String, String> of(String json) {
        return new ConsumerRecord<>("test", 0, 0L, null, json);
    }
}
