-- A presigned upload slot: the client PUTs a dump file to object_key, then names upload_id in an import.
CREATE TABLE dump_upload (
    id             uuid        PRIMARY KEY,
    project_id     uuid        NOT NULL,
    org_id         text        NOT NULL,
    filename       text        NOT NULL,
    declared_size  bigint      NOT NULL,
    object_key     text        NOT NULL,
    created_by     text,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    deleted_at     timestamptz
);
CREATE INDEX dump_upload_project ON dump_upload (project_id, created_at DESC);

-- An import is also its job: pending -> running -> completed | failed, with the phase it is in.
CREATE TABLE import_job (
    id                uuid        PRIMARY KEY,
    project_id        uuid        NOT NULL,
    org_id            text        NOT NULL,
    source_kind       text        NOT NULL,
    source            text        NOT NULL,
    source_url_sealed text,
    upload_id         uuid        REFERENCES dump_upload (id),
    dump_format       text,
    recreate          boolean     NOT NULL,
    status            text        NOT NULL,
    phase             text        NOT NULL,
    size_bytes        bigint,
    error             text,
    scratch_database  text,
    correlation_id    text,
    idempotency_key   text,
    attempt           integer     NOT NULL DEFAULT 0,
    not_before        timestamptz,
    lease_until       timestamptz,
    worker            text,
    created_by        text,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    completed_at      timestamptz
);
CREATE INDEX import_job_project_created ON import_job (project_id, created_at DESC, id DESC);
CREATE INDEX import_job_claimable ON import_job (created_at) WHERE status = 'PENDING';
CREATE UNIQUE INDEX import_job_idempotency ON import_job (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Databases replaced by a recreate import, kept for the safety window before they are dropped.
CREATE TABLE retired_database (
    name        text        PRIMARY KEY,
    host_id     text        NOT NULL,
    project_id  uuid        NOT NULL,
    import_id   uuid        NOT NULL,
    retired_at  timestamptz NOT NULL,
    drop_after  timestamptz NOT NULL,
    dropped_at  timestamptz
);
