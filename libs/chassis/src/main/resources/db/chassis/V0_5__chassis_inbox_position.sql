-- Read-your-writes (docs/consistency.md): how far each inbox consumer has applied each partition, written in the
-- same transaction as the handler's changes, so a service can wait for its own copy to catch up without waiting
-- for Kafka offset commits.
CREATE TABLE inbox_position (
    consumer        text    NOT NULL,
    topic           text    NOT NULL,
    kafka_partition integer NOT NULL,
    next_offset     bigint  NOT NULL,
    PRIMARY KEY (consumer, topic, kafka_partition)
);
