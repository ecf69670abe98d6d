-- V1: the action cache and the pins that keep workspace trees and blobs from collection.
--
-- action_cache: one row per cache key (64 hex digits, the SHA-256 of the key's preimage). snapshot
-- is the root tree of the workspace the step left; outputs the declared outputs as a JSON array of
-- {key, id, mime, size_bytes}; size_bytes the distinct bytes the snapshot references (an upper
-- bound of what removing the entry frees). Times are milliseconds since the epoch. preimage is the
-- key's preimage as canonical JSON (no secret values), for `cairn cache show`.
CREATE TABLE action_cache (
    cache_key    TEXT    PRIMARY KEY CHECK (length(cache_key) = 64),
    snapshot     TEXT    NOT NULL CHECK (length(snapshot) = 64),
    exit_code    INTEGER NOT NULL,
    outputs      TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    created_ms   INTEGER NOT NULL,
    last_used_ms INTEGER NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0,
    origin       TEXT    NOT NULL DEFAULT '',
    preimage     TEXT
) WITHOUT ROWID;

CREATE INDEX action_cache_by_last_use ON action_cache (last_used_ms);

-- workspace_pins: leases on trees (kind 'tree': everything the tree reaches) and blobs (kind
-- 'blob') held by an owner (a step attempt, say) until expires_ms. A collection keeps what an
-- unexpired pin names and deletes expired pins.
CREATE TABLE workspace_pins (
    owner      TEXT    NOT NULL,
    target     TEXT    NOT NULL CHECK (length(target) = 64),
    kind       TEXT    NOT NULL CHECK (kind IN ('tree', 'blob')),
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (owner, target)
) WITHOUT ROWID;

CREATE INDEX workspace_pins_by_expiry ON workspace_pins (expires_ms);
