-- V1: the event log, one row per event envelope, and what the store records about itself.
--
-- pos orders every event of every run by commit (one writer process appends, so it is the commit
-- order); it is declared so that VACUUM keeps it, and sinks that follow the log can keep a cursor.
-- (run_id, seq) is the key a run's log is read by. body is the Event in its wire JSON.
CREATE TABLE events (
    pos       INTEGER PRIMARY KEY,
    run_id    TEXT    NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    ts_millis INTEGER,
    body      TEXT    NOT NULL,
    UNIQUE (run_id, seq)
);

CREATE TABLE cairn_store (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
