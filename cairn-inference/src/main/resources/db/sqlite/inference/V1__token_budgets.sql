-- V1: per-run token budgets of the inference broker and the calls charged to them.
--
-- inference_budgets: one row per run. limit_tokens is the run's budget; used_tokens what settled
-- calls were charged (the usage the endpoint reported, or the whole reservation when the outcome is
-- unknown); reserved_tokens the max_tokens of calls in flight. remaining = limit - used - reserved
-- (never below 0). Every reservation is one transaction, so concurrent callers cannot overspend.
CREATE TABLE inference_budgets (
    run_id          TEXT    PRIMARY KEY CHECK (length(run_id) > 0),
    limit_tokens    INTEGER NOT NULL CHECK (limit_tokens >= 0),
    used_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (used_tokens >= 0),
    reserved_tokens INTEGER NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
    created_ms      INTEGER NOT NULL
) WITHOUT ROWID;

-- inference_calls: one row per reservation, attributed to its run and cell. status: 'reserved'
-- (in flight), 'settled' (answered; charged = input + output tokens), 'released' (failed before the
-- endpoint could spend anything; charged 0), 'failed' (failed after it may have spent; charged the
-- reservation), 'abandoned' (in flight when the process stopped; charged the reservation).
CREATE TABLE inference_calls (
    id              INTEGER PRIMARY KEY,
    run_id          TEXT    NOT NULL,
    cell_id         TEXT    NOT NULL,
    reserved_tokens INTEGER NOT NULL CHECK (reserved_tokens >= 0),
    status          TEXT    NOT NULL CHECK (status IN ('reserved', 'settled', 'released', 'failed', 'abandoned')),
    model           TEXT,
    input_tokens    INTEGER,
    output_tokens   INTEGER,
    charged_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (charged_tokens >= 0),
    failure         TEXT,
    created_ms      INTEGER NOT NULL,
    settled_ms      INTEGER
);

CREATE INDEX inference_calls_by_run ON inference_calls (run_id, id);
CREATE INDEX inference_calls_in_flight ON inference_calls (status) WHERE status = 'reserved';
