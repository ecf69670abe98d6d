-- V2: what users see of the host-decided cache, per step, and a run's export receipts.
ALTER TABLE steps ADD COLUMN cache TEXT;      -- (projected) hit | miss | off: the last attempt's cache decision
ALTER TABLE steps ADD COLUMN cache_key TEXT;  -- (projected) the key it was decided for (absent when off)
ALTER TABLE runs ADD COLUMN exports TEXT NOT NULL DEFAULT '[]'; -- (projected) export outcomes, a JSON array of ExportView

-- Completions and heartbeats refused for a stale lease (fencing), for the task's lifecycle events.
CREATE TABLE lease_refusals (
    task_id   TEXT    NOT NULL,
    epoch     INTEGER NOT NULL,   -- the epoch the caller held
    current   INTEGER NOT NULL,   -- the task's epoch when it was refused
    what      TEXT    NOT NULL,   -- completion | heartbeat
    ts_millis INTEGER NOT NULL
);
CREATE INDEX lease_refusals_by_task ON lease_refusals (task_id);

-- Event sinks a submitter gave for one run (EventSinkConfig as EventsConfigs.toTree writes it: names of
-- secrets, never values), handed to the RunListener so the node can subscribe them to the relay.
CREATE TABLE run_sinks (
    run_id   TEXT    NOT NULL,
    position INTEGER NOT NULL,
    config   TEXT    NOT NULL,
    PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
