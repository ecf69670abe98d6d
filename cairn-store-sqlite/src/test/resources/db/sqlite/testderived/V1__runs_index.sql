-- A derived table as a later module would add one: a runs index kept in the event append's transaction.
CREATE TABLE test_runs (
    run_id TEXT PRIMARY KEY,
    head   INTEGER NOT NULL,
    note   TEXT
) WITHOUT ROWID;
