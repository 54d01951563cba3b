CREATE TABLE project (
    id                  uuid        PRIMARY KEY,
    org_id              text        NOT NULL,
    name                text        NOT NULL,
    region              text        NOT NULL,
    plan                text        NOT NULL,
    storage_limit_bytes bigint      NOT NULL,
    host_id             text        NOT NULL,
    database_name       text        NOT NULL,
    role_name           text        NOT NULL,
    password_sealed     text        NOT NULL,
    status              text        NOT NULL,
    version             bigint      NOT NULL,
    created_by          text        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz
);
-- Names are unique among an org's live projects.
CREATE UNIQUE INDEX project_org_name_live ON project (org_id, name) WHERE deleted_at IS NULL;
CREATE INDEX project_org_created ON project (org_id, created_at DESC, id DESC);
