-- Push registrations (issue 14, docs/push.md): one SNS platform endpoint per device. The push role reads a
-- device's row to publish; disabled_at is set when SNS reports the endpoint disabled or gone (the token is dead),
-- and cleared when the device registers a token again.
CREATE TABLE push_endpoints (
    device_id       UUID PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    user_id         UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform        TEXT        NOT NULL CHECK (platform IN ('apns', 'apns_sandbox', 'fcm')),
    token           TEXT        NOT NULL,
    endpoint_arn    TEXT        NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    disabled_at     TIMESTAMPTZ,
    disabled_reason TEXT
);
CREATE INDEX push_endpoints_user_idx ON push_endpoints (user_id);
