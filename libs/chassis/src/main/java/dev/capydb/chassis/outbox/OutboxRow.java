package dev.capydb.chassis.outbox;

import dev.capydb.chassis.observability.TraceContext;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import java.util.UUID;

/** An event as the outbox stores it: the one row both outbox writers (JDBC and reactive) insert. */
record OutboxRow(UUID id, String topic, String key, String type, String payload, String traceparent) {

    static OutboxRow of(EventEnvelope event, OutboxConfig config) {
        return new OutboxRow(
                event.id(),
                event.topicName(config.ownTopic().orElse(null)),
                event.partitionKey(),
                event.type(),
                EventJson.write(event),
                // The request's trace travels with the row: the relay publishes it later, on a thread of its own.
                TraceContext.currentTraceparent().orElse(null));
    }
}
