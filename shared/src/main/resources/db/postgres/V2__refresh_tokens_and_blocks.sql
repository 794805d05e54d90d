-- Parley relational schema, version 2: refresh tokens (one family per device login) and blocks.

-- Opaque refresh tokens, stored only as SHA-256 of the token (the token itself is 256 random bits, so a plain
-- hash is enough: there is nothing to brute-force). Every use rotates: the used row gets used_at and a new row
-- of the same family is inserted. Presenting a token whose used_at or revoked_at is set is reuse, which revokes
-- the whole family and the device (RFC 9700 section 4.14.2).
CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    family_id  UUID        NOT NULL,
    device_id  UUID        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_device_idx ON refresh_tokens (device_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- blocker no longer receives new DMs (or group adds) from blocked.
CREATE TABLE blocks (
    blocker_id UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);

-- The device limit counts active devices only.
CREATE INDEX devices_user_active_idx ON devices (user_id) WHERE revoked_at IS NULL;
