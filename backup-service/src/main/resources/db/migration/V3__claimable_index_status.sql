-- The claim looks for status 'PENDING', the name the status enum is stored under; the index V1 made named 'pending',
-- which no row has, so it indexed nothing and the claim never used it.
DROP INDEX IF EXISTS backup_claimable;
CREATE INDEX backup_claimable ON backup (created_at) WHERE status = 'PENDING';
