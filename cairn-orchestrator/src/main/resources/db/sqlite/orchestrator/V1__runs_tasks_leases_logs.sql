-- V1: the orchestrator's tables, in the same SQLite database as the event log so that one
-- transaction covers an append and what it changes here (docs/orchestrator.md).
--
-- runs and steps are the runs index: a row is written when a run is accepted (phase 'accepted',
-- every planned step 'pending'); from then on the columns marked (projected) change only in the
-- transaction that appends the events they are derived from.
CREATE TABLE runs (
    ord               INTEGER PRIMARY KEY AUTOINCREMENT, -- listing order and stable page cursor
    run_id            TEXT    NOT NULL UNIQUE,
    kind              TEXT    NOT NULL,                  -- pipeline | runners | replay | external
    op_id             TEXT    NOT NULL,
    phase             TEXT    NOT NULL,                  -- (projected) accepted | running | completed | failed | cancelled | timed_out
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,                  -- (projected)
    completed_at      INTEGER,                           -- (projected)
    head_seq          INTEGER NOT NULL DEFAULT 0,        -- (projected)
    manifest_id       TEXT,
    request_hash      TEXT,
    client_run_id     TEXT,
    mode              TEXT,
    tags              TEXT    NOT NULL DEFAULT '[]',
    priority          INTEGER NOT NULL DEFAULT 0,
    deadline_at       INTEGER,
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    timeout_requested INTEGER NOT NULL DEFAULT 0,
    replay_of         TEXT,                              -- (projected)
    error             TEXT                               -- (projected) why it failed
);
CREATE INDEX runs_by_phase ON runs (phase, ord);

CREATE TABLE steps (
    run_id        TEXT    NOT NULL,
    state_id      TEXT    NOT NULL,
    step_id       TEXT    NOT NULL,          -- as users name it: build, or probe@eu-west-1
    name          TEXT    NOT NULL,          -- the step (or runner) without its region
    region        TEXT,
    position      INTEGER NOT NULL,          -- plan order
    status        TEXT    NOT NULL,          -- (projected) pending | entered | retrying | completed | skipped | failed | cancelled
    attempt       INTEGER NOT NULL DEFAULT -1, -- (projected) last attempt entered, zero-based
    failures      INTEGER NOT NULL DEFAULT 0,  -- (projected) StateFailed events so far
    started_at    INTEGER,                   -- (projected) when the last attempt was entered
    ended_at      INTEGER,                   -- (projected)
    error_code    TEXT,                      -- (projected)
    error_message TEXT,                      -- (projected)
    verdict       TEXT,                      -- (projected) pass | fail | error: a seed-003 runner's outcome
    PRIMARY KEY (run_id, state_id)
) WITHOUT ROWID;

-- The task queue. A task is one dispatch of a step state: its id is derived from the run, the
-- state and the state's failure count, so a state re-run after a crash finds its task again.
CREATE TABLE tasks (
    ord              INTEGER PRIMARY KEY AUTOINCREMENT, -- FIFO order within a priority
    task_id          TEXT    NOT NULL UNIQUE,
    run_id           TEXT    NOT NULL,
    state_id         TEXT    NOT NULL,
    step_id          TEXT    NOT NULL,
    failures         INTEGER NOT NULL,
    state_attempt    INTEGER NOT NULL,
    capability       TEXT    NOT NULL,
    labels           TEXT    NOT NULL,                  -- required labels, a JSON object
    priority         INTEGER NOT NULL,
    spec             TEXT    NOT NULL,                  -- the seed-000 TaskSpec, without grant fields
    status           TEXT    NOT NULL,                  -- queued | leased | succeeded | failed | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,        -- grants so far: the current lease epoch
    max_attempts     INTEGER NOT NULL,
    available_at     INTEGER NOT NULL,                  -- not granted before (retry backoff)
    timeout_ms       INTEGER NOT NULL,                  -- from a grant to the task's end, at most
    worker_id        TEXT,
    leased_at        INTEGER,
    lease_expires_at INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    progress         TEXT,
    outcome          TEXT,                              -- the TaskOutcome, once ended
    ended_epoch      INTEGER,                           -- the epoch whose completion ended it
    created_at       INTEGER NOT NULL,
    first_leased_at  INTEGER,
    ended_at         INTEGER
);
CREATE INDEX tasks_ready ON tasks (status, capability, priority, ord);
CREATE INDEX tasks_by_state ON tasks (run_id, state_id, failures);
CREATE INDEX tasks_by_expiry ON tasks (status, lease_expires_at);

-- Every grant of a task: the lease of one epoch.
CREATE TABLE leases (
    task_id    TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    worker_id  TEXT    NOT NULL,
    status     TEXT    NOT NULL,    -- active | completed | expired | revoked
    granted_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    renewed_at INTEGER,
    ended_at   INTEGER,
    PRIMARY KEY (task_id, epoch)
) WITHOUT ROWID;

-- Log lines relayed by heartbeats; cursor orders every line of every run.
CREATE TABLE logs (
    cursor    INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id    TEXT    NOT NULL,
    step_id   TEXT    NOT NULL,
    attempt   INTEGER NOT NULL,
    task_id   TEXT    NOT NULL,
    ts_millis INTEGER NOT NULL,
    level     TEXT    NOT NULL,
    stream    TEXT    NOT NULL,
    message   TEXT    NOT NULL
);
CREATE INDEX logs_by_run ON logs (run_id, cursor);
CREATE INDEX logs_by_step ON logs (run_id, step_id, cursor);
