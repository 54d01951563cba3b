-- Webhook endpoints of a project. Secrets are sealed with the platform key (SecretBox): they must be readable to
-- sign, so they cannot be hashed. The previous secret stays valid for a grace period after a rotation.
CREATE TABLE webhook (
    id                          uuid PRIMARY KEY,
    project_id                  uuid        NOT NULL,
    org_id                      text        NOT NULL,
    url                         text        NOT NULL,
    description                 text,
    event_types                 text        NOT NULL,  -- comma-separated wire names
    status                      text        NOT NULL,  -- active | disabled
    disabled_reason             text,
    secret_sealed               text        NOT NULL,
    previous_secret_sealed      text,
    previous_secret_expires_at  timestamptz,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);
CREATE INDEX webhook_project ON webhook (project_id, created_at DESC, id DESC);

-- One delivery per endpoint per event; persisted before the first attempt so a crash loses nothing.
CREATE TABLE webhook_delivery (
    id               uuid PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    project_id       uuid        NOT NULL,
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    message_id       text        NOT NULL,  -- the webhook-id header, the same on every attempt
    body             text        NOT NULL,  -- signed bytes, fixed at creation
    status           text        NOT NULL,  -- pending | delivered | failed
    attempts         int         NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    leased_until     timestamptz,
    last_status_code int,
    last_error       text,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_list ON webhook_delivery (webhook_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempt (
    id           bigserial PRIMARY KEY,
    delivery_id  uuid        NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt      int         NOT NULL,
    at           timestamptz NOT NULL,
    status_code  int,
    error        text,
    duration_ms  int         NOT NULL
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id, id);

-- Vercel / Netlify connections; the access token is sealed and never returned.
CREATE TABLE integration (
    id                uuid PRIMARY KEY,
    project_id        uuid        NOT NULL,
    org_id            text        NOT NULL,
    provider          text        NOT NULL,  -- vercel | netlify
    target_project_id text,                  -- vercel project
    team_id           text,                  -- vercel team (optional)
    targets           text,                  -- vercel environments, comma-separated
    account_id        text,                  -- netlify account
    site_id           text,                  -- netlify site
    token_sealed      text        NOT NULL,
    last_sync_status  text,                  -- pending | succeeded | failed
    last_sync_at      timestamptz,
    last_sync_error   text,
    last_sync_event   text,
    created_at        timestamptz NOT NULL
);
CREATE INDEX integration_project ON integration (project_id, created_at DESC, id DESC);

-- One env push per integration per triggering event, retried by the sync worker.
CREATE TABLE integration_sync (
    id               uuid PRIMARY KEY,
    integration_id   uuid        NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    status           text        NOT NULL,  -- pending | succeeded | failed
    attempts         int         NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    leased_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    UNIQUE (integration_id, event_id)
);
CREATE INDEX integration_sync_due ON integration_sync (next_attempt_at) WHERE status = 'pending';

-- Every lifecycle event of a project, secrets scrubbed; the event id makes storing idempotent.
CREATE TABLE audit_event (
    event_id        uuid PRIMARY KEY,
    project_id      uuid        NOT NULL,
    org_id          text,
    type            text        NOT NULL,
    source          text,
    time            timestamptz NOT NULL,
    actor           text,
    correlation_id  text,
    data            text        NOT NULL
);
CREATE INDEX audit_event_list ON audit_event (project_id, time DESC, event_id DESC);
CREATE INDEX audit_event_type ON audit_event (project_id, type, time DESC);
