-- V5: tasks_ready in the order a grant takes tasks (TaskQueue.ready: priority DESC, then FIFO), so a
-- grant reads the first ready tasks of a capability from the index and stops at its limit. In V4's
-- order (priority ascending, then ord) SQLite read every queued task of the capability, looked each up
-- in the table and sorted them in a temporary B-tree on every grant: ~7 % of the writer thread's CPU
-- in `cairn bench tasks` in-process, growing with the queue.
DROP INDEX tasks_ready;
CREATE INDEX tasks_ready ON tasks (status, capability, priority DESC, ord) WHERE status = 'queued';
