-- Base backups of PITR hosts (base_backup.completed): the oldest is where each host's PITR window starts.
CREATE TABLE base_backup_seen (
    id          uuid        PRIMARY KEY,
    host_id     text        NOT NULL,
    start_time  timestamptz NOT NULL
);
CREATE INDEX base_backup_seen_host ON base_backup_seen (host_id, start_time);
