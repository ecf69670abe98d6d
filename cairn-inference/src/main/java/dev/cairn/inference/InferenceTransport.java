package dev.cairn.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.InferenceBroker;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.ErrorCode;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's {@code inference} IO namespace: a call's request is an {@link InferenceRequest} (its
 * wire form), its response an {@link InferenceExchange}. Each call is charged to the calling run's
 * budget ({@link BudgetedInferenceBroker}, run id = the kernel's run id) and answered by the
 * broker. Because the call goes through {@code LiveIo}, a call with a fact key is recorded as a fact,
 * and a replay ({@code ReplayIo}) answers it from the fact without calling this transport: a replay
 * costs no tokens. Use {@link InferenceIo#infer} from a state.
 *
 * <p>Register with {@code IoTransportRegistry.builder().register(InferenceTransport.NAMESPACE, new
 * InferenceTransport(broker, budgets))}.
 *
 * <p>Failures are {@link IoException}s: {@code inference_request_invalid} (naming the field, never
 * quoting the prompt) for a request that does not read, and otherwise the broker's code ({@code
 * inference_broker}) with its message, hint and details ({@code reason}, and the budget's state for
 * {@code budget_exhausted}); {@code rate_limited} is the seed's {@code RateLimited} variant.
 */
public final class InferenceTransport implements IoTransport {

    /** The namespace group of this transport. */
    public static final String NAMESPACE = "inference";

    /** Code of a request that is not an {@link InferenceRequest}. */
    public static final String CODE_REQUEST_INVALID = "inference_request_invalid";

    private final InferenceBroker broker;
    private final SqliteTokenBudgets budgets;

    /** Answers calls with {@code broker}, charged to each calling run's budget in {@code budgets}. */
    public InferenceTransport(InferenceBroker broker, SqliteTokenBudgets budgets) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
    }

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        InferenceRequest request = parse(call.request());
        InferenceResponse response;
        try {
            response =
                    new BudgetedInferenceBroker(broker, budgets, context.runId().toString()).infer(request);
        } catch (InferenceException e) {
            ObjectNode details = (ObjectNode) e.details();
            details.put("cell_id", request.cellId());
            details.put("state_id", context.stateId().toString());
            throw toIo(e, details);
        } catch (CellException e) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.put("cell_id", request.cellId());
            throw toIo(e, details);
        }
        return Wire.toTree(new InferenceExchange(request, response));
    }

    static InferenceRequest parse(JsonNode json) {
        try {
            return Wire.fromTree(json, InferenceRequest.class);
        } catch (JsonException e) {
            throw invalid("the inference request is invalid at `" + e.path() + "` (" + e.code() + ")", e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("the inference request is invalid: " + e.getMessage(), e);
        }
    }

    private static IoException invalid(String message, Throwable cause) {
        ErrorInfo info = ErrorInfo.of(CODE_REQUEST_INVALID, ErrorCategory.PARSING_INPUT, false, message);
        return new IoException(
                new IoError.Transport(info),
                "Send an InferenceRequest: {\"cellId\",\"prompt\",\"maxTokens\",\"modelHint\"}.",
                cause);
    }

    private static IoException toIo(CellException e, ObjectNode details) {
        ErrorInfo info = new ErrorInfo(
                new ErrorCode(e.code()), ErrorCategory.RPC, e.retryable(), e.getMessage(), Optional.of(details));
        IoError error = e instanceof InferenceException ie && ie.failure() == InferenceFailure.RATE_LIMITED
                ? new IoError.RateLimited(info)
                : new IoError.Transport(info);
        return new IoException(error, e.hint(), e);
    }
}
