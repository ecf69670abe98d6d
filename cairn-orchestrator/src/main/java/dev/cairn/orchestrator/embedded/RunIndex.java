package dev.cairn.orchestrator.embedded;

import dev.cairn.orchestrator.embedded.RunProjection.RunRow;
import dev.cairn.orchestrator.embedded.RunProjection.StepRow;
import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqlTransaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the runs index ({@code runs} and {@code steps}): accepting a run, loading and saving
 * the rows a projection folds, and reading them for the views. Every method runs inside a
 * transaction it is given.
 */
final class RunIndex {

    static final String RUN_COLUMNS = "ord, run_id, kind, op_id, phase, created_at, updated_at, completed_at,"
            + " head_seq, manifest_id, request_hash, client_run_id, mode, tags, priority, deadline_at,"
            + " cancel_requested, timeout_requested, replay_of, error, exports";

    static final String STEP_COLUMNS = "state_id, step_id, name, region, position, status, attempt, failures,"
            + " started_at, ended_at, error_code, error_message, verdict, cache, cache_key, cache_outputs";

    private RunIndex() {}

    /** A {@code runs} row. */
    record RunInfo(
            long ord,
            String runId,
            String kind,
            String opId,
            String phase,
            long createdAt,
            long updatedAt,
            Optional<Long> completedAt,
            long headSeq,
            Optional<String> manifestId,
            Optional<String> requestHash,
            Optional<String> clientRunId,
            Optional<String> mode,
            String tags,
            long priority,
            Optional<Long> deadlineAt,
            boolean cancelRequested,
            boolean timeoutRequested,
            Optional<String> replayOf,
            Optional<String> error,
            String exports) {

        boolean terminal() {
            return RunProjection.terminal(phase);
        }
    }

    /** A {@code steps} row. */
    record StepInfo(
            String stateId,
            String stepId,
            String name,
            Optional<String> region,
            int position,
            String status,
            int attempt,
            int failures,
            Optional<Long> startedAt,
            Optional<Long> endedAt,
            Optional<String> errorCode,
            Optional<String> errorMessage,
            Optional<String> verdict,
            Optional<String> cache,
            Optional<String> cacheKey,
            Optional<String> cacheOutputs) {}

    static RunInfo runInfo(Row r) {
        return new RunInfo(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getLong(6),
                r.getLong(7),
                optLong(r, 8),
                r.getLong(9),
                Optional.ofNullable(r.getString(10)),
                Optional.ofNullable(r.getString(11)),
                Optional.ofNullable(r.getString(12)),
                Optional.ofNullable(r.getString(13)),
                r.getString(14),
                r.getLong(15),
                optLong(r, 16),
                r.getLong(17) != 0,
                r.getLong(18) != 0,
                Optional.ofNullable(r.getString(19)),
                Optional.ofNullable(r.getString(20)),
                r.getString(21));
    }

    static StepInfo stepInfo(Row r) {
        return new StepInfo(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                Optional.ofNullable(r.getString(4)),
                (int) r.getLong(5),
                r.getString(6),
                (int) r.getLong(7),
                (int) r.getLong(8),
                optLong(r, 9),
                optLong(r, 10),
                Optional.ofNullable(r.getString(11)),
                Optional.ofNullable(r.getString(12)),
                Optional.ofNullable(r.getString(13)),
                Optional.ofNullable(r.getString(14)),
                Optional.ofNullable(r.getString(15)),
                Optional.ofNullable(r.getString(16)));
    }

    static Optional<Long> optLong(Row r, int column) {
        return r.isNull(column) ? Optional.empty() : Optional.of(r.getLong(column));
    }

    static Optional<RunInfo> run(SqlReader reader, String runId) {
        return reader.queryOne("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_id = ?", RunIndex::runInfo, runId);
    }

    static List<StepInfo> steps(SqlReader reader, String runId) {
        return reader.query(
                "SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? ORDER BY position, state_id",
                RunIndex::stepInfo,
                runId);
    }

    // ------------------------------------------------------------------ acceptance

    /** The acceptance record of a run: its {@code runs} row and a {@code pending} row per step. */
    record Acceptance(
            String runId,
            String kind,
            String opId,
            long createdAt,
            String manifestId,
            String requestHash,
            Optional<String> clientRunId,
            Optional<String> mode,
            String tags,
            long priority,
            Optional<Long> deadlineAt,
            List<StepPlan> steps) {}

    /**
     * Writes the acceptance record unless a run with its id exists; false (nothing written) when one
     * does. One statement finds that out and writes the run's row ({@code ON CONFLICT DO NOTHING}:
     * no read first); the step rows go in multi-row inserts.
     *
     * <p>The rows are written as {@code rows} holds them: {@link #accepted} as they are, or after a
     * fold of the run's first events (a carried acceptance, {@link ProjectingEventStore}), so that a
     * run written and moved on in one transaction is written once. An update of the phase just
     * written would touch a second leaf of {@code runs_by_phase} (another WAL frame in the commit),
     * and run two more statements. Every step row is written; the rows' {@code dirty} and {@code
     * inserted} marks are cleared.
     */
    static boolean accept(SqlTransaction tx, Acceptance a, InFlightRuns.Entry rows) {
        RunRow run = rows.run();
        int inserted = tx.update(
                "INSERT INTO runs (run_id, " + PROJECTED_RUN_COLUMNS + ", created_at, manifest_id, request_hash,"
                        + " client_run_id, mode, tags, priority, deadline_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING",
                args(
                        List.of(a.runId()),
                        projected(run),
                        Arrays.asList(
                                a.createdAt(),
                                a.manifestId(),
                                a.requestHash(),
                                a.clientRunId().orElse(null),
                                a.mode().orElse(null),
                                a.tags(),
                                a.priority(),
                                a.deadlineAt().orElse(null))));
        if (inserted == 0) {
            return false;
        }
        List<StepRow> steps = List.copyOf(rows.steps().values());
        for (int at = 0; at < steps.size(); ) {
            int count = Integer.highestOneBit(Math.min(steps.size() - at, MAX_STEPS_PER_INSERT));
            List<Object> args = new ArrayList<>(count * STEP_INSERT_COLUMNS);
            for (StepRow s : steps.subList(at, at + count)) {
                args.addAll(inserted(a.runId(), s));
                s.dirty = false;
                s.inserted = false;
            }
            tx.update(INSERT_STEPS[Integer.numberOfTrailingZeros(count)], args.toArray());
            at += count;
        }
        return true;
    }

    /** The most step rows one insert of an acceptance writes (a power of two). */
    private static final int MAX_STEPS_PER_INSERT = 32;

    /**
     * The columns of a {@code steps} row that the fold of its run's events sets, in {@link
     * #projected(StepRow)}'s order.
     */
    private static final String PROJECTED_STEP_COLUMNS =
            "status, attempt, failures, started_at, ended_at, error_code, error_message, verdict, cache, cache_key,"
                    + " cache_outputs";

    /** The values of {@link #PROJECTED_STEP_COLUMNS} in {@code step} (some null). */
    private static List<?> projected(StepRow step) {
        return Arrays.asList(
                step.status,
                step.attempt,
                step.failures,
                step.startedAt,
                step.endedAt,
                step.errorCode,
                step.errorMessage,
                step.verdict,
                step.cache,
                step.cacheKey,
                step.cacheOutputs);
    }

    /** The columns of one step row in {@link #INSERT_STEPS}: the plan's, then the projected ones. */
    private static final int STEP_INSERT_COLUMNS = 6 + 11;

    /** The values of one step row in {@link #INSERT_STEPS}, in its columns' order. */
    private static List<Object> inserted(String runId, StepRow step) {
        List<Object> values = new ArrayList<>(STEP_INSERT_COLUMNS);
        values.addAll(Arrays.asList(runId, step.stateId, step.stepId, step.name, step.region, step.position));
        values.addAll(projected(step));
        return values;
    }

    /**
     * {@code INSERT_STEPS[k]} inserts 2^k step rows: an acceptance's steps go in the largest of these
     * that fit, so a handful of statements (each prepared once) write any number of rows.
     */
    private static final String[] INSERT_STEPS = insertSteps();

    private static String[] insertSteps() {
        String row = "(" + String.join(", ", java.util.Collections.nCopies(STEP_INSERT_COLUMNS, "?")) + ")";
        String[] out = new String[Integer.numberOfTrailingZeros(MAX_STEPS_PER_INSERT) + 1];
        for (int k = 0; k < out.length; k++) {
            out[k] = "INSERT INTO steps (run_id, state_id, step_id, name, region, position, " + PROJECTED_STEP_COLUMNS
                    + ") VALUES " + String.join(", ", java.util.Collections.nCopies(1 << k, row));
        }
        return out;
    }

    // ------------------------------------------------------------------ projection rows

    static Optional<RunRow> loadRun(SqlReader reader, String runId) {
        return run(reader, runId).map(RunIndex::row);
    }

    static RunRow row(RunInfo info) {
        RunRow row = new RunRow(
                info.runId(), info.kind(), info.opId(), info.phase(), info.createdAt(), info.timeoutRequested());
        row.updatedAt = info.updatedAt();
        row.completedAt = info.completedAt().orElse(null);
        row.headSeq = info.headSeq();
        row.replayOf = info.replayOf().orElse(null);
        row.error = info.error().orElse(null);
        row.exports = info.exports();
        row.priority = info.priority();
        return row;
    }

    /** The rows of a run just accepted, before any of its events: what {@link #accept} writes of them unfolded. */
    static InFlightRuns.Entry accepted(Acceptance a) {
        RunRow run = new RunRow(a.runId(), a.kind(), a.opId(), RunProjection.ACCEPTED, a.createdAt(), false);
        run.priority = a.priority();
        LinkedHashMap<String, StepRow> steps = new LinkedHashMap<>();
        for (StepPlan s : a.steps()) {
            steps.put(
                    s.stateId().value(),
                    new StepRow(
                            s.stateId().value(),
                            s.stepId(),
                            s.name(),
                            s.region().orElse(null),
                            s.position()));
        }
        return new InFlightRuns.Entry(run, steps, true);
    }

    static StepRow row(StepInfo info) {
        StepRow row = new StepRow(
                info.stateId(), info.stepId(), info.name(), info.region().orElse(null), info.position());
        row.status = info.status();
        row.attempt = info.attempt();
        row.failures = info.failures();
        row.startedAt = info.startedAt().orElse(null);
        row.endedAt = info.endedAt().orElse(null);
        row.errorCode = info.errorCode().orElse(null);
        row.errorMessage = info.errorMessage().orElse(null);
        row.verdict = info.verdict().orElse(null);
        row.cache = info.cache().orElse(null);
        row.cacheKey = info.cacheKey().orElse(null);
        row.cacheOutputs = info.cacheOutputs().orElse(null);
        return row;
    }

    /** Inserts a run the index did not know (one started by someone else: a replay). */
    static void insertRun(SqlTransaction tx, RunRow run) {
        tx.update(
                "INSERT INTO runs (run_id, kind, op_id, phase, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                run.runId,
                run.kind,
                run.opId,
                run.phase,
                run.createdAt,
                run.createdAt);
        saveRun(tx, run);
    }

    static void saveRun(SqlTransaction tx, RunRow run) {
        tx.update(
                "UPDATE runs SET (" + PROJECTED_RUN_COLUMNS + ") = (?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE run_id = ?",
                args(projected(run), List.of(run.runId)));
    }

    /** The columns of a {@code runs} row that the fold of its events sets, in {@link #projected(RunRow)}'s order. */
    private static final String PROJECTED_RUN_COLUMNS =
            "kind, op_id, phase, updated_at, completed_at, head_seq, replay_of, error, exports";

    /** The values of {@link #PROJECTED_RUN_COLUMNS} in {@code run} (some null). */
    private static List<?> projected(RunRow run) {
        return Arrays.asList(
                run.kind,
                run.opId,
                run.phase,
                run.updatedAt,
                run.completedAt,
                run.headSeq,
                run.replayOf,
                run.error,
                run.exports);
    }

    /** The arguments of a statement, from its parts in order. */
    private static Object[] args(List<?>... parts) {
        List<Object> all = new ArrayList<>();
        for (List<?> part : parts) {
            all.addAll(part);
        }
        return all.toArray();
    }

    /**
     * The steps of one run in a write transaction: either every row of the run, known up front (from
     * {@link InFlightRuns}), or loaded as a fold needs them.
     */
    static final class DbSteps implements RunProjection.Steps {
        private final SqlTransaction tx;
        private final String runId;
        private final LinkedHashMap<String, StepRow> rows;
        /** Whether {@link #rows} holds every step row of the run (a state id not in it has none). */
        private boolean all;

        /** Loads rows as the fold asks for them. */
        DbSteps(SqlTransaction tx, String runId) {
            this.tx = tx;
            this.runId = runId;
            this.rows = new LinkedHashMap<>();
        }

        /** Over {@code every} step row of the run, as committed; changed in place by the fold. */
        DbSteps(SqlTransaction tx, String runId, LinkedHashMap<String, StepRow> every) {
            this.tx = tx;
            this.runId = runId;
            this.rows = every;
            this.all = true;
        }

        @Override
        public StepRow step(String stateId) {
            StepRow row = rows.get(stateId);
            if (row != null) {
                return row;
            }
            Optional<StepInfo> stored = all
                    ? Optional.empty()
                    : tx.queryOne(
                            "SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? AND state_id = ?",
                            RunIndex::stepInfo,
                            runId,
                            stateId);
            if (stored.isPresent()) {
                row = row(stored.get());
            } else {
                long next;
                if (all) {
                    next = rows.values().stream()
                            .mapToLong(r -> r.position + 1L)
                            .max()
                            .orElse(0);
                } else {
                    next = tx.queryOne(
                                    "SELECT coalesce(max(position) + 1, 0) FROM steps WHERE run_id = ?",
                                    r -> r.getLong(1),
                                    runId)
                            .orElse(0L);
                }
                row = RunProjection.derived(stateId, (int) Math.max(next, rows.size()));
                row.inserted = true;
            }
            rows.put(stateId, row);
            return row;
        }

        /** The failures of {@code stateId}'s step as the fold left them (0 when the run has no such step). */
        int failures(String stateId) {
            StepRow row = rows.get(stateId);
            if (row != null) {
                return row.failures;
            }
            if (all) {
                return 0;
            }
            return tx.queryOne(
                            "SELECT failures FROM steps WHERE run_id = ? AND state_id = ?",
                            r -> (int) r.getLong(1),
                            runId,
                            stateId)
                    .orElse(0);
        }

        @Override
        public List<StepRow> unfinished() {
            return all().stream()
                    .filter(r -> r.status.equals(RunProjection.PENDING)
                            || r.status.equals(RunProjection.ENTERED)
                            || r.status.equals(RunProjection.RETRYING))
                    .toList();
        }

        @Override
        public List<StepRow> all() {
            loadAll();
            List<StepRow> out = new ArrayList<>(rows.values());
            out.sort(Comparator.comparingInt((StepRow r) -> r.position).thenComparing(r -> r.stateId));
            return out;
        }

        /**
         * Every step row of the run, after {@link #save} (what the tables hold then), or null when the
         * run has more than {@code limit} steps; reads the rows not loaded yet.
         */
        LinkedHashMap<String, StepRow> every(int limit) {
            if (!all) {
                List<StepInfo> stored = tx.query(
                        "SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? LIMIT ?",
                        RunIndex::stepInfo,
                        runId,
                        limit + 1);
                if (stored.size() > limit) {
                    return null;
                }
                for (StepInfo info : stored) {
                    rows.putIfAbsent(info.stateId(), row(info));
                }
                all = true;
            }
            return rows.size() > limit ? null : rows;
        }

        private void loadAll() {
            if (!all) {
                for (StepInfo info : steps(tx, runId)) {
                    rows.putIfAbsent(info.stateId(), row(info));
                }
                all = true;
            }
        }

        @Override
        public void copyFrom(String originalRunId) {
            tx.update(
                    "INSERT OR IGNORE INTO steps (run_id, state_id, step_id, name, region, position, status)"
                            + " SELECT ?, state_id, step_id, name, region, position, ? FROM steps WHERE run_id = ?",
                    runId,
                    RunProjection.PENDING,
                    originalRunId);
            all = false;
        }

        void save() {
            for (StepRow row : rows.values()) {
                if (row.inserted) {
                    tx.update(INSERT_STEPS[0], inserted(runId, row).toArray());
                } else if (row.dirty) {
                    tx.update(
                            "UPDATE steps SET (" + PROJECTED_STEP_COLUMNS + ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                    + " WHERE run_id = ? AND state_id = ?",
                            args(projected(row), List.of(runId, row.stateId)));
                }
                row.inserted = false;
                row.dirty = false;
            }
        }
    }
}
