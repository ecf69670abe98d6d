package dev.cairn.machine.plan;

import java.util.List;
import java.util.Objects;

/**
 * Seed {@code plan::StateGraph}: the executable structure derived from operations and pipelines.
 * Immutable: the lists are copied. Structural rules (unique ids, edges between existing states, no
 * cycles) are checked by a {@link PlanValidator}, not here.
 *
 * @param states the planned states, in planner order (the tie-break for states ready at once)
 * @param edges dependency edges between them
 */
public record StateGraph(List<StateNode> states, List<DependencyEdge> edges) {

    public StateGraph {
        states = List.copyOf(Objects.requireNonNull(states, "states"));
        edges = List.copyOf(Objects.requireNonNull(edges, "edges"));
    }
}
