package dev.cairn.inference;

import dev.cairn.machine.time.Clock;
import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqliteDatabase;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-run token budgets in a {@link SqliteDatabase}, in the tables of the {@value #MIGRATION_MODULE}
 * migrations ({@code db/sqlite/inference}): open the database with {@code
 * SqliteOptions.builder(file).migrationModule("inference")}.
 *
 * <p>A call first {@link #reserve reserves} its {@code max_tokens}: one write transaction that
 * checks what remains ({@code limit - used - reserved}) and sets the tokens aside, so concurrent
 * callers (threads of this process; the database belongs to one process) can never overspend
 * together. When the call ends it is {@link #settle settled} (charged the usage the endpoint
 * reported; the reservation is returned) or {@link #fail failed} (charged nothing when the endpoint
 * cannot have spent anything, the whole reservation otherwise). Every call is a row attributed to
 * its run and cell ({@link #calls}).
 *
 * <p>A run without a {@link #define defined} budget gets the default limit at its first
 * reservation. {@link #open} charges in full, as {@code abandoned}, the reservations a previous
 * process left in flight (it stopped before their outcome was known): open one instance per
 * database, before any call. Thread-safe; every write is durable when it returns.
 */
public final class SqliteTokenBudgets {

    /** The migration module holding the budget tables. */
    public static final String MIGRATION_MODULE = "inference";

    /** Longest run or cell id accepted. */
    public static final int MAX_ID_LENGTH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteTokenBudgets.class);

    private static final String CALL_COLUMNS = "id, run_id, cell_id, reserved_tokens, status, model, input_tokens,"
            + " output_tokens, charged_tokens, failure, created_ms, settled_ms";

    private final SqliteDatabase db;
    private final Clock clock;
    private final long defaultLimit;

    private SqliteTokenBudgets(SqliteDatabase db, Clock clock, long defaultLimit) {
        this.db = db;
        this.clock = clock;
        this.defaultLimit = defaultLimit;
    }

    /**
     * The budgets in {@code db}; runs without a defined budget get {@code defaultLimit} tokens.
     * Reservations left in flight by a previous process are charged in full and marked {@code
     * abandoned}.
     *
     * @throws InferenceException {@code request_invalid} when {@code db} was opened without the
     *     {@value #MIGRATION_MODULE} migrations or {@code defaultLimit} is negative
     */
    public static SqliteTokenBudgets open(SqliteDatabase db, Clock clock, long defaultLimit) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(clock, "clock");
        if (!db.options().migrationModules().contains(MIGRATION_MODULE)) {
            throw InferenceException.invalidRequest("the database " + db.file()
                    + " was opened without the `inference` migrations; open it with"
                    + " SqliteOptions.builder(file).migrationModule(\"inference\")");
        }
        if (defaultLimit < 0) {
            throw InferenceException.invalidRequest("the default token budget must be >= 0, got " + defaultLimit);
        }
        SqliteTokenBudgets budgets = new SqliteTokenBudgets(db, clock, defaultLimit);
        int abandoned = budgets.abandonInFlight();
        if (abandoned > 0) {
            LOG.warn(
                    "{} inference call(s) were in flight when the last process stopped; their reservations are charged in full",
                    abandoned);
        }
        return budgets;
    }

    /** The limit given to runs without a defined budget. */
    public long defaultLimit() {
        return defaultLimit;
    }

    /**
     * Sets {@code runId}'s budget to {@code limit} tokens (creating it, or changing the limit of an
     * existing one; what was used and reserved stays).
     */
    public BudgetState define(String runId, long limit) {
        requireId(runId, "run id");
        if (limit < 0) {
            throw InferenceException.invalidRequest("a token budget must be >= 0, got " + limit);
        }
        long now = clock.nowMillis();
        return db.write(tx -> {
            tx.update(
                    "INSERT INTO inference_budgets (run_id, limit_tokens, created_ms) VALUES (?, ?, ?)"
                            + " ON CONFLICT (run_id) DO UPDATE SET limit_tokens = excluded.limit_tokens",
                    runId,
                    limit,
                    now);
            return select(tx, runId).orElseThrow();
        });
    }

    /** {@code runId}'s budget, if it has one (defined, or created by a first reservation). */
    public Optional<BudgetState> state(String runId) {
        requireId(runId, "run id");
        return db.read(r -> select(r, runId));
    }

    /**
     * Sets {@code tokens} aside in {@code runId}'s budget for a call of {@code cellId}, in one
     * transaction.
     *
     * @throws InferenceException {@code budget_exhausted} with the budget's state and {@code
     *     requested} in its details when fewer than {@code tokens} remain; nothing is reserved
     */
    public Reservation reserve(String runId, String cellId, long tokens) {
        requireId(runId, "run id");
        requireId(cellId, "cell id");
        if (tokens < 0) {
            throw InferenceException.invalidRequest("max_tokens must be >= 0, got " + tokens);
        }
        long now = clock.nowMillis();
        Object outcome = db.write(tx -> {
            tx.update(
                    "INSERT INTO inference_budgets (run_id, limit_tokens, created_ms) VALUES (?, ?, ?)"
                            + " ON CONFLICT (run_id) DO NOTHING",
                    runId,
                    defaultLimit,
                    now);
            BudgetState state = select(tx, runId).orElseThrow();
            if (tokens > state.remaining()) {
                return state;
            }
            long id = tx.queryOne("SELECT COALESCE(MAX(id), 0) + 1 FROM inference_calls", row -> row.getLong(1))
                    .orElseThrow();
            tx.update(
                    "INSERT INTO inference_calls (id, run_id, cell_id, reserved_tokens, status, created_ms)"
                            + " VALUES (?, ?, ?, ?, 'reserved', ?)",
                    id,
                    runId,
                    cellId,
                    tokens,
                    now);
            tx.update(
                    "UPDATE inference_budgets SET reserved_tokens = reserved_tokens + ? WHERE run_id = ?",
                    tokens,
                    runId);
            return new Reservation(id, runId, cellId, tokens);
        });
        if (outcome instanceof BudgetState refused) {
            throw exhausted(refused, cellId, tokens);
        }
        return (Reservation) outcome;
    }

    /**
     * Ends {@code reservation} with the usage the endpoint reported: the budget is charged {@code
     * inputTokens + outputTokens} and the reservation returned.
     *
     * @return the budget after the charge
     */
    public BudgetState settle(Reservation reservation, String model, long inputTokens, long outputTokens) {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(model, "model");
        if (inputTokens < 0 || outputTokens < 0) {
            throw InferenceException.invalidRequest("token counts must be >= 0");
        }
        long charged = Math.addExact(inputTokens, outputTokens);
        return end(reservation, "settled", charged, model, inputTokens, outputTokens, null);
    }

    /**
     * Ends {@code reservation} after a failure: charged nothing ({@code released}) when the endpoint
     * cannot have spent tokens on it, the whole reservation ({@code failed}) when it may have.
     *
     * @return the budget after the charge
     */
    public BudgetState fail(Reservation reservation, InferenceFailure failure) {
        Objects.requireNonNull(failure, "failure");
        return fail(reservation, failure.reason(), failure.mayHaveSpent());
    }

    /**
     * Ends {@code reservation} after a failure named {@code reason} (a snake_case code): charged the
     * whole reservation ({@code failed}) when {@code mayHaveSpent}, nothing ({@code released})
     * otherwise.
     *
     * @return the budget after the charge
     */
    public BudgetState fail(Reservation reservation, String reason, boolean mayHaveSpent) {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(reason, "reason");
        return end(
                reservation,
                mayHaveSpent ? "failed" : "released",
                mayHaveSpent ? reservation.tokens() : 0,
                null,
                null,
                null,
                reason);
    }

    /** Every call charged to {@code runId}, in reservation order. */
    public List<InferenceCall> calls(String runId) {
        requireId(runId, "run id");
        return db.read(r -> r.query(
                "SELECT " + CALL_COLUMNS + " FROM inference_calls WHERE run_id = ? ORDER BY id",
                SqliteTokenBudgets::call,
                runId));
    }

    private BudgetState end(
            Reservation reservation,
            String status,
            long charged,
            String model,
            Long inputTokens,
            Long outputTokens,
            String failure) {
        long now = clock.nowMillis();
        return db.write(tx -> {
            int changed = tx.update(
                    "UPDATE inference_calls SET status = ?, charged_tokens = ?, model = ?, input_tokens = ?,"
                            + " output_tokens = ?, failure = ?, settled_ms = ?"
                            + " WHERE id = ? AND run_id = ? AND status = 'reserved'",
                    status,
                    charged,
                    model,
                    inputTokens,
                    outputTokens,
                    failure,
                    now,
                    reservation.callId(),
                    reservation.runId());
            if (changed == 1) {
                tx.update(
                        "UPDATE inference_budgets SET reserved_tokens = reserved_tokens - ?,"
                                + " used_tokens = used_tokens + ? WHERE run_id = ?",
                        reservation.tokens(),
                        charged,
                        reservation.runId());
            }
            return select(tx, reservation.runId()).orElseThrow();
        });
    }

    private int abandonInFlight() {
        long now = clock.nowMillis();
        return db.write(tx -> {
            tx.update("UPDATE inference_budgets SET"
                    + " used_tokens = used_tokens + (SELECT COALESCE(SUM(c.reserved_tokens), 0) FROM inference_calls c"
                    + "   WHERE c.run_id = inference_budgets.run_id AND c.status = 'reserved'),"
                    + " reserved_tokens = reserved_tokens - (SELECT COALESCE(SUM(c.reserved_tokens), 0)"
                    + "   FROM inference_calls c WHERE c.run_id = inference_budgets.run_id AND c.status = 'reserved')"
                    + " WHERE run_id IN (SELECT run_id FROM inference_calls WHERE status = 'reserved')");
            return tx.update(
                    "UPDATE inference_calls SET status = 'abandoned', charged_tokens = reserved_tokens,"
                            + " failure = 'abandoned', settled_ms = ? WHERE status = 'reserved'",
                    now);
        });
    }

    static InferenceException exhausted(BudgetState state, String cellId, long requested) {
        var details = state.toDetails();
        details.put("requested", requested);
        details.put("cell_id", cellId);
        return InferenceException.of(
                InferenceFailure.BUDGET_EXHAUSTED,
                "run " + state.runId() + " has " + state.remaining() + " of " + state.limit()
                        + " tokens left (used " + state.used() + ", reserved " + state.reserved() + "); cell "
                        + cellId + " asked for max_tokens " + requested,
                details,
                null);
    }

    private static Optional<BudgetState> select(SqlReader r, String runId) {
        return r.queryOne(
                "SELECT limit_tokens, used_tokens, reserved_tokens FROM inference_budgets WHERE run_id = ?",
                row -> BudgetState.of(runId, row.getLong(1), row.getLong(2), row.getLong(3)),
                runId);
    }

    private static InferenceCall call(Row row) {
        return new InferenceCall(
                row.getLong(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getString(5),
                Optional.ofNullable(row.getString(6)),
                row.isNull(7) ? Optional.empty() : Optional.of(row.getLong(7)),
                row.isNull(8) ? Optional.empty() : Optional.of(row.getLong(8)),
                row.getLong(9),
                Optional.ofNullable(row.getString(10)),
                row.getLong(11),
                row.isNull(12) ? Optional.empty() : Optional.of(row.getLong(12)));
    }

    static void requireId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw InferenceException.invalidRequest("the " + what + " must not be blank");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw InferenceException.invalidRequest(
                    "the " + what + " is " + id.length() + " characters long; at most " + MAX_ID_LENGTH);
        }
    }
}
