-- Idempotency-Key of the execute call that started the saga: a retried execute answers with the same request.
ALTER TABLE cutover_request ADD COLUMN execute_idempotency_key text;
