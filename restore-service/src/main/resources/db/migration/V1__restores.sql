-- Completed backups of each project (from backup.completed): what a restore may name by backup_key.
CREATE TABLE known_backup (
    backup_key   text        PRIMARY KEY,
    backup_id    uuid        NOT NULL,
    project_id   uuid        NOT NULL,
    size_bytes   bigint      NOT NULL,
    sha256       text        NOT NULL,
    completed_at timestamptz NOT NULL
);
CREATE INDEX known_backup_project ON known_backup (project_id);

-- A preview: a database + role on the project's host, dropped when its TTL passes.
CREATE TABLE preview (
    id                uuid        PRIMARY KEY,
    project_id        uuid        NOT NULL,
    org_id            text        NOT NULL,
    name              text        NOT NULL,
    host_id           text        NOT NULL,
    database_name     text        NOT NULL,
    role_name         text        NOT NULL,
    password_sealed   text        NOT NULL,
    status            text        NOT NULL,
    expires_at        timestamptz NOT NULL,
    expiring_notified boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX preview_project_created ON preview (project_id, created_at DESC, id DESC);
CREATE INDEX preview_expiry ON preview (expires_at) WHERE status IN ('READY', 'CREATING');

-- A restore is also its job: pending -> running -> completed | failed, with the phase it is in.
CREATE TABLE restore (
    id               uuid        PRIMARY KEY,
    project_id       uuid        NOT NULL,
    org_id           text        NOT NULL,
    source_kind      text        NOT NULL,
    backup_key       text,
    restore_time     timestamptz,
    restore_point_id uuid,
    target_kind      text        NOT NULL,
    preview_id       uuid,
    preview_name     text,
    ttl_hours        integer,
    status           text        NOT NULL,
    phase            text        NOT NULL,
    bytes_done       bigint      NOT NULL DEFAULT 0,
    error            text,
    correlation_id   text,
    idempotency_key  text,
    attempt          integer     NOT NULL DEFAULT 0,
    not_before       timestamptz,
    lease_until      timestamptz,
    worker           text,
    created_by       text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz
);
CREATE INDEX restore_project_created ON restore (project_id, created_at DESC, id DESC);
CREATE INDEX restore_claimable ON restore (created_at) WHERE status = 'PENDING';
CREATE UNIQUE INDEX restore_idempotency ON restore (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
