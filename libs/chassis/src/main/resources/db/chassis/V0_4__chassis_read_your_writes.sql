-- Read-your-writes (docs/consistency.md): where each published event landed, so a writer can wait for the
-- consumers of an event to pass it, and a quick way to find a project's events not yet published.
ALTER TABLE outbox_event ADD COLUMN kafka_partition integer, ADD COLUMN kafka_offset bigint;
CREATE INDEX outbox_event_unpublished_key ON outbox_event (event_key) WHERE published_at IS NULL;
