-- V5: tasks_ready in the order a grant takes tasks (TaskQueue.ready: priority DESC, then FIFO), so a
-- grant reads the first ready tasks of each capability from the index and stops at its limit. In
-- V4's order (priority ascending, then ord) SQLite read every queued task of the capabilities, looked
-- each up in the table and sorted them on every grant: the cost of a grant grew with the backlog
-- (on this project's VM, two capabilities, a limit of 8: 42 us with 100 queued, 0.76 ms with 1,000,
-- 37 ms with 10,000; in this order 25, 44 and 81 us).
DROP INDEX tasks_ready;
CREATE INDEX tasks_ready ON tasks (status, capability, priority DESC, ord) WHERE status = 'queued';
