-- Bearer tokens of the HTTP server. Only the SHA-256 of a token is kept, never the token.
CREATE TABLE server_tokens (
    id                TEXT    NOT NULL PRIMARY KEY,
    name              TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('client', 'runner')),
    token_sha256      TEXT    NOT NULL UNIQUE,
    created_at_millis INTEGER NOT NULL,
    revoked_at_millis INTEGER
);

-- A name names one active token.
CREATE UNIQUE INDEX server_tokens_active_name ON server_tokens (name) WHERE revoked_at_millis IS NULL;
