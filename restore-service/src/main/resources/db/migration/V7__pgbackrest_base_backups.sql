-- Base backups are pgBackRest backup sets now (label, kind); the old ones keep their object key. A restore starts
-- from the newest one that ended before its target, and never from one that expired out of the window.
ALTER TABLE known_base_backup ADD COLUMN label text;
ALTER TABLE known_base_backup ADD COLUMN kind text;
ALTER TABLE known_base_backup ADD COLUMN end_time timestamptz;
ALTER TABLE known_base_backup ADD COLUMN expired_at timestamptz;
