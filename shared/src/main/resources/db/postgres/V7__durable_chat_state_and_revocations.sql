-- Parley relational schema, version 7 (issue 18): the durable copy of chat state that Redis serves, and the
-- authoritative list of revoked access tokens. Redis holds the working copy; after a Redis wipe it is rebuilt from
-- these tables (docs/reliability.md).

-- One member's read state in one channel. Cursors only ever grow (written behind, coalesced, with GREATEST);
-- the flags are written through on every change. No foreign keys: rows are written on the hot path by the roles
-- that hold the Redis copy, and a row of a former member is deleted when they leave.
CREATE TABLE chat_member_state (
    channel_id    UUID        NOT NULL,
    user_id       UUID        NOT NULL,
    read_seq      BIGINT      NOT NULL DEFAULT 0,
    delivered_seq BIGINT      NOT NULL DEFAULT 0,
    marked_unread BOOLEAN     NOT NULL DEFAULT false,
    muted         BOOLEAN     NOT NULL DEFAULT false,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, user_id)
);

-- Each channel's latest message as the chat list shows it (seq, time in epoch ms, the envelope as JSON): the
-- source the Redis head and every user's chat order are rebuilt from. Only ever advanced to a larger seq.
-- Cassandra's messages stay the truth; this row may trail it by the write-behind interval.
CREATE TABLE chat_heads (
    channel_id UUID   PRIMARY KEY,
    seq        BIGINT NOT NULL,
    ts         BIGINT NOT NULL,
    envelope   TEXT   NOT NULL
);

-- Per-user chat settings (absent row: the defaults, read receipts on).
CREATE TABLE user_chat_settings (
    user_id       UUID PRIMARY KEY,
    read_receipts BOOLEAN NOT NULL
);

-- Access tokens refused before their expiry (logout): keyed by the token id (jti), kept until the token would
-- have expired anyway. Removed devices are revoked through devices.revoked_at.
CREATE TABLE revoked_tokens (
    jti        TEXT        PRIMARY KEY,
    user_id    UUID        NOT NULL,
    device_id  UUID        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at);
CREATE INDEX devices_revoked_idx ON devices (revoked_at) WHERE revoked_at IS NOT NULL;
