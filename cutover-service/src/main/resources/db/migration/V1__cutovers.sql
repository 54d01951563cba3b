-- A cutover request and its saga: open -> acked|rejected|cancelled, acked -> in_progress -> completed|failed.
CREATE TABLE cutover_request (
    id                    uuid        PRIMARY KEY,
    project_id            uuid        NOT NULL,
    org_id                text        NOT NULL,
    preview_id            uuid        NOT NULL,
    status                text        NOT NULL,
    customer_note         text,
    external_ticket_ref   text,
    reason                text,
    pre_cutover_backup_id uuid,
    waiting_for           text,
    waiting_since         timestamptz,
    late_outcome          text,
    requested_by          text        NOT NULL,
    acked_by              text,
    closed_by             text,
    executed_by           text,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    acked_at              timestamptz,
    closed_at             timestamptz,
    started_at            timestamptz,
    finished_at           timestamptz
);
CREATE INDEX cutover_request_project_created ON cutover_request (project_id, created_at DESC, id DESC);
CREATE INDEX cutover_request_status_created ON cutover_request (status, created_at DESC, id DESC);
-- One unfinished request per preview: the real guard behind the API's 409 (two racing requests cannot both win).
CREATE UNIQUE INDEX cutover_request_one_active_per_preview ON cutover_request (preview_id)
    WHERE status IN ('OPEN', 'ACKED', 'IN_PROGRESS');
-- One promotion per project at a time.
CREATE UNIQUE INDEX cutover_request_one_running_per_project ON cutover_request (project_id)
    WHERE status = 'IN_PROGRESS';

-- Previews as restore-service announces them (preview.ready|expiring|expired): what a request may name.
CREATE TABLE preview_view (
    preview_id  uuid        PRIMARY KEY,
    project_id  uuid        NOT NULL,
    name        text,
    status      text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    event_time  timestamptz NOT NULL
);
