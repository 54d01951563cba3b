-- Overwrites load into a scratch database first; its name lets a crashed worker's successor tell whether the
-- swap happened (scratch gone) or not (scratch still there: production untouched, drop it).
ALTER TABLE restore ADD COLUMN scratch_database text;

-- Databases replaced by a swap, kept for the safety window before they are dropped.
CREATE TABLE retired_database (
    name        text        PRIMARY KEY,
    host_id     text        NOT NULL,
    project_id  uuid        NOT NULL,
    restore_id  uuid        NOT NULL,
    retired_at  timestamptz NOT NULL,
    drop_after  timestamptz NOT NULL,
    dropped_at  timestamptz
);
