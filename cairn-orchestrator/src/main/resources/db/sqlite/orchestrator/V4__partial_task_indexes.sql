-- V4: the task queue's two status indexes hold only the tasks they are read for. tasks_ready is read
-- for queued tasks only (TaskQueue.ready, AHEAD, the queued counts) and tasks_by_expiry for leased
-- ones only (the sweep, recovery), always with the status as a literal in the WHERE clause, which is
-- what lets SQLite use a partial index. An ended task (nearly every row of a queue that has run a
-- while) then leaves both indexes instead of moving to the 'succeeded' end of each, a page written
-- per commit per index that nothing read. Same columns as V1's, so the plans stay the same.
DROP INDEX tasks_ready;
CREATE INDEX tasks_ready ON tasks (status, capability, priority, ord) WHERE status = 'queued';
DROP INDEX tasks_by_expiry;
CREATE INDEX tasks_by_expiry ON tasks (status, lease_expires_at) WHERE status = 'leased';
