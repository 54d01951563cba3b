package dev.capydb.chassis.outbox;

import java.util.UUID;

/** Where Kafka put an outbox event: what a writer waits on when its readers must have applied it. */
public record PublishedEvent(UUID id, String topic, int partition, long offset) {}
