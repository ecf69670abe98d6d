package dev.cairn.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A run's token budget at one moment: its {@code limit}, the tokens {@code used} by settled calls,
 * those {@code reserved} by calls in flight, and what {@code remaining} a new call may reserve
 * ({@code max(0, limit - used - reserved)}; {@code used} may exceed {@code limit} by the prompt
 * tokens of the last call, since {@code max_tokens} bounds only the completion).
 *
 * <p>Wire form: {@code {"run_id","limit","used","reserved","remaining"}}.
 */
public record BudgetState(String runId, long limit, long used, long reserved, long remaining) {

    public BudgetState {
        Objects.requireNonNull(runId, "run_id");
        if (limit < 0 || used < 0 || reserved < 0) {
            throw new IllegalArgumentException("limit, used and reserved must be >= 0");
        }
        if (remaining != Math.max(0, limit - used - reserved)) {
            throw new IllegalArgumentException("remaining must be max(0, limit - used - reserved)");
        }
    }

    /** The state of a budget with these counters; {@code remaining} is derived. */
    public static BudgetState of(String runId, long limit, long used, long reserved) {
        return new BudgetState(runId, limit, used, reserved, Math.max(0, limit - used - reserved));
    }

    /** The state as error details: {@code run_id}, {@code limit}, {@code used}, {@code reserved}, {@code remaining}. */
    public ObjectNode toDetails() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("run_id", runId);
        node.put("limit", limit);
        node.put("used", used);
        node.put("reserved", reserved);
        node.put("remaining", remaining);
        return node;
    }
}
