package dev.cairn.machine.plan;

import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.state.State;
import java.util.Objects;

/**
 * Seed {@code plan::StateNode}: a planned state and the implementation that runs it. Not a wire
 * type (the implementation is code).
 *
 * @param id identifier assigned by the planner
 * @param state the implementation invoked for this node
 */
public record StateNode(StateId id, State state) {

    public StateNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }
}
