-- Events a consumer could not handle after every retry (a poison event: malformed data for this consumer, a bug).
-- Kept here, never lost, logged, and skipped, so one bad event does not stop the consumer for good.
-- Replaying one: fix the cause, delete its inbox_event and dead-letter rows, publish the payload again.
CREATE TABLE inbox_dead_letter (
    event_id   uuid        NOT NULL,
    consumer   text        NOT NULL,
    type       text        NOT NULL,
    payload    text        NOT NULL,
    error      text        NOT NULL,
    attempts   integer     NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, consumer)
);
