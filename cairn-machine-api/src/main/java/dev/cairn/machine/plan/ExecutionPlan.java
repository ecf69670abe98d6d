package dev.cairn.machine.plan;

import dev.cairn.machine.ids.OpId;
import java.util.Objects;

/**
 * Seed {@code plan::ExecutionPlan}: the operation-specific plan passed to the engine. Immutable
 * input: planners finish shaping the graph first, then the engine executes its nodes and edges
 * exactly as supplied. Not a wire type (nodes hold code); on resume the engine derives the plan
 * again from the manifest.
 *
 * @param opId the operation the plan is for; must equal the manifest's
 * @param graph the executable state graph
 */
public record ExecutionPlan(OpId opId, StateGraph graph) {

    public ExecutionPlan {
        Objects.requireNonNull(opId, "op_id");
        Objects.requireNonNull(graph, "graph");
    }
}
