package dev.cairn.machine.plan;

import dev.cairn.machine.ids.StateId;
import java.util.Objects;

/**
 * Seed {@code plan::DependencyEdge}: {@code from} must complete before {@code to} can run.
 *
 * @param from the upstream state
 * @param to the downstream state
 */
public record DependencyEdge(StateId from, StateId to) {

    public DependencyEdge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}
