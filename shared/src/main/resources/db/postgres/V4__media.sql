-- Parley relational schema, version 4: attachments (docs/media.md). Metadata only: the bytes (ciphertext, the
-- server never sees a key) live in media storage (filesystem or S3) under the attachment id.

-- One row per attachment, from the moment an upload is created until it is collected or deleted.
--   state      'uploading' (received < size or not yet verified), 'ready' (digest verified, downloadable),
--              'deleting' (the sweeper or the owner is removing the bytes; the row goes once they are gone).
--   received   the committed length: storage holds at least this many durable bytes; an append resumes here.
--   writer     the lease of the one request allowed to append (or finish) now, across all api nodes; a node that
--              died mid-append loses it after writer_until, and the next request truncates its uncommitted tail.
--   bound_seq  the channel seq of the message that carries the attachment (the client binds it after sending); an
--              attachment never bound is collected after media.unboundTtlSeconds.
-- owner_id and channel_id have no foreign keys on purpose: the row must outlive a deleted account or channel until
-- the sweeper has removed the bytes it points to.
CREATE TABLE media (
    id            UUID PRIMARY KEY,
    owner_id      UUID        NOT NULL,
    channel_id    UUID        NOT NULL,
    size          BIGINT      NOT NULL CHECK (size > 0),
    sha256        BYTEA       NOT NULL CHECK (length(sha256) = 32),
    state         TEXT        NOT NULL CHECK (state IN ('uploading', 'ready', 'deleting')),
    received      BIGINT      NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
    storage_state TEXT        NOT NULL DEFAULT '',
    writer        UUID,
    writer_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    completed_at  TIMESTAMPTZ,
    bound_seq     BIGINT,
    bound_at      TIMESTAMPTZ
);
-- The per-user quota sums sizes by owner.
CREATE INDEX media_owner_idx ON media (owner_id);
-- The sweeper's two queues: stalled uploads, and finished attachments nobody bound to a message.
CREATE INDEX media_stalled_idx ON media (updated_at) WHERE state IN ('uploading', 'deleting');
CREATE INDEX media_unbound_idx ON media (completed_at) WHERE state = 'ready' AND bound_seq IS NULL;
