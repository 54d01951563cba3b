package dev.capydb.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The CloudEvents-like envelope every event travels in. {@code id} is the consumers' dedup key,
 * {@code correlation_id} ties the steps of one saga together.
 */
public record EventEnvelope(
        UUID id,
        String type,
        String source,
        Instant time,
        String orgId,
        UUID projectId,
        String correlationId,
        JsonNode data) {

    /** Builds an envelope with a fresh id and the current time for a typed payload. */
    public static EventEnvelope of(
            EventType type, String source, String orgId, UUID projectId, String correlationId, EventPayload payload) {
        if (!type.payloadType().isInstance(payload)) {
            throw new IllegalArgumentException(
                    type.wireName() + " carries " + type.payloadType().getSimpleName() + ", not "
                            + payload.getClass().getSimpleName());
        }
        return new EventEnvelope(
                UUID.randomUUID(),
                type.wireName(),
                source,
                Instant.now(),
                orgId,
                projectId,
                correlationId,
                EventJson.mapper().valueToTree(payload));
    }

    /** The catalog entry of this envelope's type, if this build knows it. */
    public Optional<EventType> eventType() {
        return EventType.fromWireName(type);
    }

    /** Reads {@code data} as the given payload record. */
    public <T extends EventPayload> T dataAs(Class<T> payloadType) {
        try {
            return EventJson.mapper().treeToValue(data, payloadType);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + id + " (" + type + ") has malformed data", e);
        }
    }

    /** The Kafka topic of this envelope's type; {@code producerTopic} for types every producer publishes itself. */
    public String topicName(Topic producerTopic) {
        EventType t = eventType().orElseThrow(() -> new IllegalStateException("unknown event type " + type));
        Topic topic = t.topic() != null ? t.topic() : producerTopic;
        if (topic == null) {
            throw new IllegalStateException(type + " needs the producer's own topic");
        }
        return topic.topicName();
    }

    /** The Kafka key: the project, so one project's events stay ordered; platform events key on their source. */
    public String partitionKey() {
        return projectId != null ? projectId.toString() : source;
    }
}
