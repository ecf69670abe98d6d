-- V3: small content-addressed blobs (fact payloads, context checkpoints, manifests, specs) made
-- durable in the same transaction as the events that reference them (SqliteBlobTable), instead of
-- a journal file of their own plus a file per blob. id is the lowercase hex SHA-256 of bytes;
-- modified_millis is when the blob was last written or touched (what a collector's cut-off reads).
-- A Cairn that knows only V1-V2 refuses a database migrated to V3: it could not see these blobs.
CREATE TABLE blobs (
    id              TEXT    PRIMARY KEY,
    bytes           BLOB    NOT NULL,
    modified_millis INTEGER NOT NULL
);
