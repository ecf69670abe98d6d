-- V1: where each event sink stands in the log, so that delivery resumes after a restart.
--
-- A server sink (run_id NULL) follows the log of every run: position is the events.pos of the last
-- event it acknowledged. A per-run sink (run_id set, sink 'run/<run_id>/<name>') follows one run:
-- position is the seq of the last event it acknowledged, and config holds its configuration (names
-- of secrets, never their values) so that it resumes after a restart. A cursor only moves after the
-- sink acknowledged the events before it; finished marks a per-run sink that delivered its run's
-- RunCompleted.
CREATE TABLE sink_cursors (
    sink       TEXT    PRIMARY KEY,
    run_id     TEXT,
    position   INTEGER NOT NULL CHECK (position >= 0),
    config     TEXT,
    finished   INTEGER NOT NULL DEFAULT 0,
    delivered  INTEGER NOT NULL DEFAULT 0,
    failures   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sink_cursors_open_runs ON sink_cursors (run_id) WHERE run_id IS NOT NULL AND finished = 0;

-- Settings the sinks keep stable across restarts: 'source_authority', the authority of every
-- CloudEvent source (cairn://<authority>/runs/<run_id>), recorded on first start, so that a
-- re-delivered event keeps its bytes even if the host is renamed.
CREATE TABLE sink_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
