package dev.cairn.inference;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.InferenceBroker;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import java.util.Objects;

/**
 * An {@link InferenceBroker} for one run: every request first {@link SqliteTokenBudgets#reserve
 * reserves} its {@code maxTokens} in the run's budget (refused with {@code budget_exhausted}, before
 * anything leaves, when fewer remain), then goes to the delegate; the usage the delegate reports is
 * charged ({@code inputTokens + outputTokens}) and the reservation returned. A failure returns the
 * reservation when the endpoint cannot have spent tokens ({@link InferenceFailure#mayHaveSpent()}),
 * and charges it in full otherwise (as does any other failure of the delegate, whose outcome is unknown). Each call is a row of the
 * budget's ledger, attributed to run and cell.
 *
 * <p>This is the seed's "the runtime enforces {@code max_tokens} as an authority budget". Thread-safe.
 */
public final class BudgetedInferenceBroker implements InferenceBroker {

    private final InferenceBroker delegate;
    private final SqliteTokenBudgets budgets;
    private final String runId;

    /** {@code delegate} charged to {@code runId}'s budget in {@code budgets}. */
    public BudgetedInferenceBroker(InferenceBroker delegate, SqliteTokenBudgets budgets, String runId) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        SqliteTokenBudgets.requireId(runId, "run id");
        this.runId = runId;
    }

    /** The run charged. */
    public String runId() {
        return runId;
    }

    @Override
    public InferenceResponse infer(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.maxTokens() < 1) {
            throw InferenceException.invalidRequest("max_tokens must be at least 1, got " + request.maxTokens());
        }
        Reservation reservation = budgets.reserve(runId, request.cellId(), request.maxTokens());
        InferenceResponse response;
        try {
            response = delegate.infer(request);
        } catch (InferenceException e) {
            budgets.fail(reservation, e.failure());
            throw e;
        } catch (CellException e) {
            budgets.fail(reservation, e.code(), true);
            throw e;
        } catch (RuntimeException | Error e) {
            budgets.fail(reservation, "unexpected_failure", true);
            throw e;
        }
        budgets.settle(reservation, response.model(), response.inputTokens(), response.outputTokens());
        return response;
    }
}
