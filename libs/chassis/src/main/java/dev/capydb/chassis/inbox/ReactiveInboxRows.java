package dev.capydb.chassis.inbox;

import dev.capydb.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The inbox's own rows written in the current Hibernate Reactive transaction, for handlers that write through it:
 * the dedupe row ({@code inbox_event}) and the consumer's position ({@code inbox_position}), as {@link Inbox} and
 * {@link AppliedPositions} write them over JDBC.
 */
@ApplicationScoped
class ReactiveInboxRows {

    /** False when this consumer has already recorded the event. */
    Uni<Boolean> recordFirstDelivery(String consumer, EventEnvelope event) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO inbox_event (event_id, consumer, type)"
                                + " VALUES (:id, :consumer, :type) ON CONFLICT DO NOTHING")
                        .setParameter("id", event.id())
                        .setParameter("consumer", consumer)
                        .setParameter("type", event.type())
                        .executeUpdate())
                .map(n -> n == 1);
    }

    /** The consumer has applied these records (and everything before them). */
    Uni<Void> advance(String consumer, Iterable<ConsumerRecord<String, String>> records) {
        Map<String, Long> next = AppliedPositions.nextOffsets(records);
        return Multi.createFrom()
                .iterable(next.entrySet())
                // One at a time, in the sorted order: a session runs one statement at a time anyway.
                .onItem()
                .transformToUniAndConcatenate(e -> {
                    String[] tp = e.getKey().split("\0");
                    return Panache.getSession()
                            .chain(s -> s.createNativeQuery("INSERT INTO inbox_position (consumer, topic,"
                                            + " kafka_partition, next_offset) VALUES (:consumer, :topic, :partition,"
                                            + " :next) ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE SET"
                                            + " next_offset = greatest(inbox_position.next_offset,"
                                            + " excluded.next_offset)")
                                    .setParameter("consumer", consumer)
                                    .setParameter("topic", tp[0])
                                    .setParameter("partition", Integer.parseInt(tp[1]))
                                    .setParameter("next", e.getValue())
                                    .executeUpdate());
                })
                .collect()
                .last()
                .replaceWithVoid();
    }
}
