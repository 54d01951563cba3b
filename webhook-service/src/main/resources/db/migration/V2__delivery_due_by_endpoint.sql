-- The dispatcher claims per endpoint (its oldest due deliveries, up to its free slots): an index per endpoint makes
-- that a short index scan per endpoint instead of a sort of the whole backlog.
CREATE INDEX webhook_delivery_due_by_endpoint ON webhook_delivery (webhook_id, next_attempt_at) WHERE status = 'pending';
