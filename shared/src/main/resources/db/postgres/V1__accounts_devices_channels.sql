-- Parley relational schema, version 1: identities, devices and channel membership.
-- Memberships are stored in both directions (seed design, option 2): channel -> users for fan-out,
-- user -> channels for the chat list; both rows are written in one transaction.

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    username      TEXT        NOT NULL,
    display_name  TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case ("Alice" and "alice" are the same account name).
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

CREATE TABLE devices (
    id           UUID PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX devices_user_idx ON devices (user_id);

CREATE TABLE channels (
    id         UUID PRIMARY KEY,
    kind       TEXT        NOT NULL CHECK (kind IN ('dm', 'group')),
    name       TEXT,
    created_by UUID        NOT NULL REFERENCES users (id),
    -- For DMs: "<smaller user id>:<larger user id>", so the same pair always maps to one channel.
    dm_key     TEXT UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((kind = 'dm') = (dm_key IS NOT NULL))
);

CREATE TABLE channel_members (
    channel_id UUID        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT        NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    joined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE user_channels (
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id UUID        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    joined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, channel_id)
);
