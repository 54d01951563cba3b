-- The W3C trace context of the transaction that wrote the event, so the relay can hand it to Kafka (header
-- "traceparent") and the consumer's work joins the producer's trace. NULL when tracing is off.
ALTER TABLE outbox_event ADD COLUMN traceparent text;
