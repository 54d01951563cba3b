-- Named points a project can be restored to: a completed backup, or a moment inside the PITR window.
CREATE TABLE restore_point (
    id          uuid        PRIMARY KEY,
    project_id  uuid        NOT NULL,
    org_id      text        NOT NULL,
    label       text        NOT NULL,
    kind        text        NOT NULL,
    backup_key  text,
    point_time  timestamptz,
    lsn         text,
    created_by  text,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX restore_point_label ON restore_point (project_id, label);
CREATE INDEX restore_point_project_created ON restore_point (project_id, created_at DESC, id DESC);

-- Base backups of PITR hosts (from base_backup.completed): the start of each host's PITR window.
CREATE TABLE known_base_backup (
    id          uuid        PRIMARY KEY,
    host_id     text        NOT NULL,
    start_time  timestamptz NOT NULL
);
CREATE INDEX known_base_backup_host ON known_base_backup (host_id, start_time);
