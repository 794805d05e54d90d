-- MLS Delivery Service state (docs/e2ee.md "Delivery Service protocol"), written by the message role when it accepts
-- a commit, read by the api role's routes. PostgreSQL rather than Cassandra: a few rows per commit (not per
-- message), read by key, deleted on fetch, tied to channels and devices by foreign keys, and both roles already
-- hold a PostgreSQL pool.

-- The public state of a channel's group at each kept epoch: the GroupInfo and ratchet tree the committer sent with
-- the commit that led to it (checked before acceptance). The message role keeps the last mls.keptEpochs epochs.
CREATE TABLE mls_epochs (
    channel_id   UUID        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    epoch        BIGINT      NOT NULL CHECK (epoch > 0),
    seq          BIGINT      NOT NULL CHECK (seq > 0),  -- the seq of the commit that led to this epoch
    committer    UUID        NOT NULL,                  -- the device that sent it
    group_info   BYTEA       NOT NULL,                  -- MLSMessage (mls_group_info), without ratchet_tree
    ratchet_tree BYTEA       NOT NULL,                  -- the ratchet_tree extension data
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, epoch)
);

-- Each added device's Welcome, kept until the device deletes it (at most mls.welcomeInboxMax per device). The id
-- is derived from (channel, epoch, device), so a replayed commit stores nothing twice.
CREATE TABLE mls_welcomes (
    welcome_id UUID PRIMARY KEY,
    device_id  UUID        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    channel_id UUID        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    epoch      BIGINT      NOT NULL CHECK (epoch > 0),
    seq        BIGINT      NOT NULL CHECK (seq > 0),
    welcome    BYTEA       NOT NULL,                    -- MLSMessage (mls_welcome)
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mls_welcomes_device_idx ON mls_welcomes (device_id, created_at, welcome_id);
