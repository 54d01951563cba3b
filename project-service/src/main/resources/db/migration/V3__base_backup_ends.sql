-- The window starts where the oldest live base backup ended (a restore cannot stop inside a backup), and a base backup
-- that expired no longer counts.
ALTER TABLE base_backup_seen ADD COLUMN end_time timestamptz;
ALTER TABLE base_backup_seen ADD COLUMN expired_at timestamptz;
