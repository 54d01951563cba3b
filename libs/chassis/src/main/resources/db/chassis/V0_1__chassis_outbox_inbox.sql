-- Transactional outbox: a service writes its state change and its events in one transaction;
-- the relay publishes unpublished rows in seq order and stamps published_at.
CREATE TABLE outbox_event (
    seq          bigserial PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    type         text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX outbox_event_unpublished ON outbox_event (seq) WHERE published_at IS NULL;

-- Idempotent inbox: one row per (event, consumer), written in the handler's own transaction.
CREATE TABLE inbox_event (
    event_id     uuid        NOT NULL,
    consumer     text        NOT NULL,
    type         text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, consumer)
);

-- What this service knows of projects (from project.* events): enough to authorize and route work.
CREATE TABLE project_read_model (
    project_id          uuid        PRIMARY KEY,
    org_id              text        NOT NULL,
    name                text        NOT NULL,
    region              text        NOT NULL,
    plan                text        NOT NULL,
    storage_limit_bytes bigint      NOT NULL,
    host_id             text        NOT NULL,
    database_name       text        NOT NULL,
    role_name           text        NOT NULL,
    status              text        NOT NULL,
    pitr_available      boolean     NOT NULL,
    version             bigint      NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX project_read_model_org ON project_read_model (org_id);
