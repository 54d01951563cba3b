-- A backup is also its job: pending -> running -> completed | failed; completed -> deleting -> expired (retention).
CREATE TABLE backup (
    id               uuid        PRIMARY KEY,
    project_id       uuid        NOT NULL,
    org_id           text        NOT NULL,
    label            text,
    kind             text        NOT NULL,
    status           text        NOT NULL,
    verify           boolean     NOT NULL,
    verified         boolean,
    verification     text,
    backup_key       text,
    size_bytes       bigint,
    sha256           text,
    error            text,
    correlation_id   text,
    idempotency_key  text,
    scheduled_for    timestamptz,
    attempt          integer     NOT NULL DEFAULT 0,
    not_before       timestamptz,
    lease_until      timestamptz,
    worker           text,
    expired_reason   text,
    created_by       text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    expired_at       timestamptz
);
CREATE INDEX backup_project_created ON backup (project_id, created_at DESC, id DESC);
CREATE INDEX backup_claimable ON backup (created_at) WHERE status = 'pending';
CREATE UNIQUE INDEX backup_idempotency ON backup (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- One scheduled backup per project and slot, whatever the number of scheduler replicas.
CREATE UNIQUE INDEX backup_schedule_slot ON backup (project_id, scheduled_for) WHERE scheduled_for IS NOT NULL;
-- One pre-cutover backup per cutover request.
CREATE UNIQUE INDEX backup_correlation_kind ON backup (project_id, kind, correlation_id) WHERE correlation_id IS NOT NULL;

CREATE TABLE backup_schedule (
    project_id      uuid        PRIMARY KEY,
    org_id          text        NOT NULL,
    hour            integer     NOT NULL,
    minute          integer     NOT NULL,
    active          boolean     NOT NULL,
    retention_days  integer     NOT NULL,
    next_run_at     timestamptz,
    last_run_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- Backups named by restore points (restore_point.* events): retention and DELETE leave them alone.
CREATE TABLE restore_point_pin (
    restore_point_id uuid PRIMARY KEY,
    project_id       uuid NOT NULL,
    backup_key       text NOT NULL
);
CREATE INDEX restore_point_pin_key ON restore_point_pin (backup_key);

-- Physical base backups of PITR hosts.
CREATE TABLE base_backup (
    id             uuid        PRIMARY KEY,
    host_id        text        NOT NULL,
    status         text        NOT NULL,
    object_key     text,
    start_time     timestamptz NOT NULL,
    start_lsn      text,
    start_wal_file text,
    end_time       timestamptz,
    size_bytes     bigint,
    error          text,
    pruned_at      timestamptz
);
CREATE INDEX base_backup_host ON base_backup (host_id, start_time DESC);
