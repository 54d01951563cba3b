-- Base backups are pgBackRest backup sets now: a label and a kind (full, diff, incr) instead of one object. Rows made
-- before keep their object key and stay restorable until they leave the point-in-time window.
ALTER TABLE base_backup ADD COLUMN label text;
ALTER TABLE base_backup ADD COLUMN kind text;
ALTER TABLE base_backup ADD COLUMN stop_lsn text;
CREATE UNIQUE INDEX base_backup_label ON base_backup (host_id, label) WHERE label IS NOT NULL;
