-- Key directory for end-to-end encryption (MLS, docs/e2ee.md).
-- A device's Ed25519 signature key, registered once and bound to the device: every MLS leaf the device occupies
-- carries it, and clients accept a leaf only if it matches this row.
CREATE TABLE device_keys (
    device_id     UUID PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    user_id       UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    signature_key BYTEA       NOT NULL CHECK (octet_length(signature_key) = 32),
    registered_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_keys_user_idx ON device_keys (user_id);

-- KeyPackages a device published: many one-time ones (each handed out at most once: a claim deletes the row it
-- returns) and at most one last-resort one (handed out when the one-time stock is empty, never deleted by a claim).
CREATE TABLE key_packages (
    ref         BYTEA PRIMARY KEY,                -- KeyPackageRef (RFC 9420 section 5.2)
    device_id   UUID        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    last_resort BOOLEAN     NOT NULL,
    package     BYTEA       NOT NULL,             -- the MLSMessage (wire format mls_key_package) as uploaded
    not_after   TIMESTAMPTZ NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX key_packages_last_resort_idx ON key_packages (device_id) WHERE last_resort;
CREATE INDEX key_packages_stock_idx ON key_packages (device_id, uploaded_at) WHERE NOT last_resort;

-- Each user's device-key changes, append-only and hash-chained (dev.parley.mls.DeviceKeyLog): clients verify the
-- chain and warn when a peer's key set changes. seq is 1, 2, … per user; appends lock the user's row.
CREATE TABLE device_key_log (
    user_id       UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq           BIGINT      NOT NULL CHECK (seq > 0),
    device_id     UUID        NOT NULL,
    action        TEXT        NOT NULL CHECK (action IN ('added', 'removed')),
    signature_key BYTEA       NOT NULL,
    hash          BYTEA       NOT NULL CHECK (octet_length(hash) = 32),
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, seq)
);
