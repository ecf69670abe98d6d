package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.cell.api.NoopInferenceBroker;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget around the real broker and a real server. */
class BudgetedInferenceBrokerTest {

    @TempDir
    Path dir;

    FakeChatServer server;
    SqliteDatabase db;
    SqliteTokenBudgets budgets;
    OpenAiCompatibleBroker upstream;

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeChatServer();
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("events.db"))
                .migrationModule(SqliteTokenBudgets.MIGRATION_MODULE)
                .build());
        budgets = SqliteTokenBudgets.open(db, () -> 0L, 0);
        upstream = new OpenAiCompatibleBroker(
                OpenAiOptions.builder(server.baseUri(), "m")
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                        .maxAttempts(2)
                        .build(),
                d -> {},
                () -> 0L);
    }

    @AfterEach
    void tearDown() {
        upstream.close();
        db.close();
        server.close();
    }

    @Test
    void theReportedUsageIsChargedToTheRunAndAttributedToTheCell() {
        budgets.define("run-1", 100);
        var broker = new BudgetedInferenceBroker(upstream, budgets, "run-1");

        InferenceResponse answer = broker.infer(new InferenceRequest("cell-a", "one two", 40, Optional.empty()));

        assertThat(answer.inputTokens() + answer.outputTokens()).isEqualTo(7);
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 7, 0));
        InferenceCall call = budgets.calls("run-1").getFirst();
        assertThat(call.cellId()).isEqualTo("cell-a");
        assertThat(call.model()).contains("m-served");
        assertThat(call.chargedTokens()).isEqualTo(7);
    }

    @Test
    void aRequestBeyondTheBudgetIsRefusedBeforeItLeaves() {
        budgets.define("run-1", 30);
        var broker = new BudgetedInferenceBroker(upstream, budgets, "run-1");
        broker.infer(new InferenceRequest("cell-a", "a", 20, Optional.empty())); // charged 1 + 5

        InferenceException e = catchThrowableOfType(
                InferenceException.class,
                () -> broker.infer(new InferenceRequest("cell-a", "b", 25, Optional.empty())));

        assertThat(e.failure()).isEqualTo(InferenceFailure.BUDGET_EXHAUSTED);
        assertThat(e.details().get("remaining").asLong()).isEqualTo(24);
        assertThat(e.details().get("used").asLong()).isEqualTo(6);
        assertThat(e.details().get("limit").asLong()).isEqualTo(30);
        assertThat(e.details().get("reserved").asLong()).isZero();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void anUnavailableEndpointReleasesTheReservationAndGarbageChargesIt() {
        budgets.define("run-1", 100);
        var broker = new BudgetedInferenceBroker(upstream, budgets, "run-1");
        server.thenStatus(500, 2, null);
        catchThrowableOfType(
                InferenceException.class, () -> broker.infer(new InferenceRequest("c", "p", 40, Optional.empty())));
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 0, 0));

        server.then(new FakeChatServer.Script.Raw("{oops"));
        catchThrowableOfType(
                InferenceException.class, () -> broker.infer(new InferenceRequest("c", "p", 40, Optional.empty())));
        assertThat(budgets.state("run-1")).contains(BudgetState.of("run-1", 100, 40, 0));
        assertThat(budgets.calls("run-1").stream().map(InferenceCall::status)).containsExactly("released", "failed");
    }

    @Test
    void theNoopBrokerAnswersEmptyWithZeroTokensAndIsChargedNothing() {
        var noop = new NoopInferenceBroker();
        InferenceResponse answer = noop.infer(new InferenceRequest("cell", "anything", 5, Optional.of("gpt")));
        assertThat(answer).isEqualTo(new InferenceResponse("", "noop", 0, 0));

        budgets.define("run-n", 5);
        var charged = new BudgetedInferenceBroker(noop, budgets, "run-n");
        for (int i = 0; i < 3; i++) {
            assertThat(charged.infer(new InferenceRequest("cell", "p", 5, Optional.empty()))
                            .content())
                    .isEmpty();
        }
        assertThat(budgets.state("run-n")).contains(BudgetState.of("run-n", 5, 0, 0));
        // the budget still bounds what a single request may ask for
        InferenceException e = catchThrowableOfType(
                InferenceException.class, () -> charged.infer(new InferenceRequest("cell", "p", 6, Optional.empty())));
        assertThat(e.failure()).isEqualTo(InferenceFailure.BUDGET_EXHAUSTED);
    }
}
