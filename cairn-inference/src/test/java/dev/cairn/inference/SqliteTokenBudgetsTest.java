package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets on a real SQLite database. */
class SqliteTokenBudgetsTest {

    @TempDir
    Path dir;

    final List<SqliteDatabase> open = new ArrayList<>();

    SqliteDatabase db() {
        SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("events.db"))
                .migrationModule(SqliteTokenBudgets.MIGRATION_MODULE)
                .build());
        open.add(db);
        return db;
    }

    @AfterEach
    void close() {
        open.forEach(SqliteDatabase::close);
    }

    @Test
    void reservationsSettleAtTheReportedUsage() {
        var budgets = SqliteTokenBudgets.open(db(), () -> 1000L, 100);
        Reservation r = budgets.reserve("run-1", "cell-a", 40);

        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 0, 40));
        BudgetState after = budgets.settle(r, "m", 7, 12);

        assertThat(after).isEqualTo(new BudgetState("run-1", 100, 19, 0, 81));
        assertThat(budgets.calls("run-1"))
                .containsExactly(new InferenceCall(
                        r.callId(),
                        "run-1",
                        "cell-a",
                        40,
                        "settled",
                        Optional.of("m"),
                        Optional.of(7L),
                        Optional.of(12L),
                        19,
                        Optional.empty(),
                        1000,
                        Optional.of(1000L)));
        // settling twice changes nothing
        assertThat(budgets.settle(r, "m", 7, 12)).isEqualTo(after);
    }

    @Test
    void aRequestBeyondWhatRemainsIsRefusedWithTheBudgetsState() {
        var budgets = SqliteTokenBudgets.open(db(), () -> 0L, 0);
        budgets.define("run-1", 100);
        Reservation first = budgets.reserve("run-1", "cell-a", 60);
        budgets.settle(first, "m", 10, 20);
        budgets.reserve("run-1", "cell-a", 50);

        InferenceException e =
                catchThrowableOfType(InferenceException.class, () -> budgets.reserve("run-1", "cell-b", 21));

        assertThat(e.failure()).isEqualTo(InferenceFailure.BUDGET_EXHAUSTED);
        assertThat(e.code()).isEqualTo("inference_broker");
        assertThat(e.retryable()).isFalse();
        assertThat(e.details().toString())
                .isEqualTo("{\"run_id\":\"run-1\",\"limit\":100,\"used\":30,\"reserved\":50,\"remaining\":20,"
                        + "\"requested\":21,\"cell_id\":\"cell-b\",\"reason\":\"budget_exhausted\"}");
        assertThat(e.getMessage())
                .isEqualTo(
                        "inference broker: budget_exhausted: run run-1 has 20 of 100 tokens left (used 30, reserved 50);"
                                + " cell cell-b asked for max_tokens 21");
        assertThat(budgets.calls("run-1")).hasSize(2);
        assertThat(budgets.reserve("run-1", "cell-b", 20).tokens()).isEqualTo(20);
    }

    @Test
    void runsWithoutADefinedBudgetGetTheDefaultAndDefineChangesTheLimit() {
        var budgets = SqliteTokenBudgets.open(db(), () -> 0L, 10);
        budgets.reserve("run-x", "c", 10);
        assertThat(budgets.state("run-x")).contains(BudgetState.of("run-x", 10, 0, 10));
        assertThat(budgets.define("run-x", 25)).isEqualTo(BudgetState.of("run-x", 25, 0, 10));
        assertThat(budgets.define("run-x", 5)).isEqualTo(new BudgetState("run-x", 5, 0, 10, 0));
        assertThat(budgets.state("run-none")).isEmpty();
    }

    @Test
    void failuresReleaseOrChargeTheReservation() {
        var budgets = SqliteTokenBudgets.open(db(), () -> 0L, 100);
        budgets.fail(budgets.reserve("r", "c", 30), InferenceFailure.UNAVAILABLE);
        assertThat(budgets.state("r")).contains(BudgetState.of("r", 100, 0, 0));
        budgets.fail(budgets.reserve("r", "c", 30), InferenceFailure.TIMEOUT);
        assertThat(budgets.state("r")).contains(BudgetState.of("r", 100, 30, 0));
        assertThat(budgets.calls("r").stream()
                        .map(c -> c.status() + "/" + c.failure().orElse("")))
                .containsExactly("released/unavailable", "failed/timeout");
    }

    @Test
    void concurrentCallersNeverOverspend() throws Exception {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed + " (concurrentCallersNeverOverspend)");
        Random random = new Random(seed);
        var budgets = SqliteTokenBudgets.open(db(), () -> 0L, 0);
        long limit = 500 + random.nextInt(500);
        budgets.define("run", limit);
        int callers = 64;
        long[] asks = new long[callers];
        for (int i = 0; i < callers; i++) {
            asks[i] = 1 + random.nextInt(40);
        }
        AtomicInteger refused = new AtomicInteger();
        List<Future<Optional<Reservation>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                long ask = asks[i];
                String cell = "cell-" + i;
                results.add(pool.submit(() -> {
                    try {
                        return Optional.of(budgets.reserve("run", cell, ask));
                    } catch (InferenceException e) {
                        refused.incrementAndGet();
                        return Optional.empty();
                    }
                }));
            }
        }
        long reserved = 0;
        int granted = 0;
        for (var f : results) {
            Optional<Reservation> r = f.get();
            if (r.isPresent()) {
                reserved += r.get().tokens();
                granted++;
            }
        }
        BudgetState state = budgets.state("run").orElseThrow();
        assertThat(reserved).isLessThanOrEqualTo(limit);
        assertThat(state.reserved()).isEqualTo(reserved);
        assertThat(granted + refused.get()).isEqualTo(callers);
        assertThat(budgets.calls("run")).hasSize(granted);
        long sum = 0;
        for (long a : asks) {
            sum += a;
        }
        if (sum > limit) {
            // every refused caller asked for more than what was left at the end
            assertThat(refused.get()).isPositive();
        }
    }

    @Test
    void theBudgetSurvivesARestartAndCallsInFlightAreChargedInFull() {
        SqliteDatabase first = db();
        var budgets = SqliteTokenBudgets.open(first, () -> 0L, 0);
        budgets.define("run", 100);
        budgets.settle(budgets.reserve("run", "c", 20), "m", 3, 4);
        budgets.reserve("run", "c", 30); // in flight when the process stops
        first.close();
        open.remove(first);

        var reopened = SqliteTokenBudgets.open(db(), () -> 5L, 0);

        assertThat(reopened.state("run")).contains(BudgetState.of("run", 100, 37, 0));
        InferenceCall abandoned = reopened.calls("run").get(1);
        assertThat(abandoned.status()).isEqualTo("abandoned");
        assertThat(abandoned.chargedTokens()).isEqualTo(30);
        assertThat(abandoned.settledMs()).contains(5L);
    }

    @Test
    void badInputIsRefused() {
        SqliteDatabase plain = SqliteDatabase.open(
                SqliteOptions.builder(dir.resolve("plain.db")).build());
        open.add(plain);
        InferenceException missing =
                catchThrowableOfType(InferenceException.class, () -> SqliteTokenBudgets.open(plain, () -> 0L, 1));
        assertThat(missing.getMessage()).contains("migrationModule(\"inference\")");

        SqliteDatabase db = db();
        var budgets = SqliteTokenBudgets.open(db, () -> 0L, 10);
        for (Runnable bad : List.<Runnable>of(
                () -> budgets.reserve(" ", "c", 1),
                () -> budgets.reserve("r", "", 1),
                () -> budgets.reserve("r", "c", -1),
                () -> budgets.reserve("r".repeat(300), "c", 1),
                () -> budgets.define("r", -5),
                () -> SqliteTokenBudgets.open(db, () -> 0L, -1))) {
            InferenceException e = catchThrowableOfType(InferenceException.class, bad::run);
            assertThat(e.failure()).isEqualTo(InferenceFailure.REQUEST_INVALID);
        }
    }
}
