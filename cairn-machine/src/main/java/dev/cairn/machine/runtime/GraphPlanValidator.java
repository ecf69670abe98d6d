package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.PlanValidationException;
import dev.cairn.machine.plan.PlanValidator;
import dev.cairn.machine.plan.StateNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's plan validator. Checks, in this order, and reports the first problem:
 *
 * <ol>
 *   <li>{@code EmptyPlan}: no states;
 *   <li>{@code DuplicateStateId}: the first id (in plan order) that appears twice;
 *   <li>{@code MissingStateForEdge}: the first edge (in edge order) whose {@code from}, then {@code
 *       to}, is not a state;
 *   <li>{@code DanglingDependencyTag}: the first {@code depends_on} tag hint (plan order) that no
 *       state carries;
 *   <li>{@code CircularDependency}: a cycle, named by its states in dependency order starting from
 *       the one reached first when walking the states in plan order (e.g. {@code [a, b, c]} for
 *       {@code a → b → c → a}; {@code [a]} for a self-edge).
 * </ol>
 *
 * Linear in states plus edges, and iterative (plans of hundreds of thousands of states are fine).
 * Stateless and thread-safe.
 */
public final class GraphPlanValidator implements PlanValidator {

    /** The shared instance. */
    public static final GraphPlanValidator INSTANCE = new GraphPlanValidator();

    private GraphPlanValidator() {}

    @Override
    public void validate(ExecutionPlan plan) {
        List<StateNode> states = plan.graph().states();
        if (states.isEmpty()) {
            throw PlanValidationException.emptyPlan();
        }
        Map<StateId, Integer> index = new HashMap<>(states.size() * 2);
        for (int i = 0; i < states.size(); i++) {
            if (index.putIfAbsent(states.get(i).id(), i) != null) {
                throw PlanValidationException.duplicateStateId(states.get(i).id());
            }
        }
        List<List<Integer>> next = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            next.add(new ArrayList<>(1));
        }
        for (DependencyEdge edge : plan.graph().edges()) {
            Integer from = index.get(edge.from());
            if (from == null) {
                throw PlanValidationException.missingStateForEdge(edge.from());
            }
            Integer to = index.get(edge.to());
            if (to == null) {
                throw PlanValidationException.missingStateForEdge(edge.to());
            }
            next.get(from).add(to);
        }
        checkTags(states);
        checkCycles(states, next);
    }

    private static void checkTags(List<StateNode> states) {
        Set<Tag> carried = new HashSet<>();
        List<List<Tag>> hints = new ArrayList<>(states.size());
        for (StateNode node : states) {
            var meta = node.state().meta();
            carried.addAll(meta.tags());
            hints.add(meta.dependsOn());
        }
        for (int i = 0; i < states.size(); i++) {
            for (Tag tag : hints.get(i)) {
                if (!carried.contains(tag)) {
                    throw PlanValidationException.danglingDependencyTag(
                            states.get(i).id(), tag);
                }
            }
        }
    }

    /** Iterative depth-first search; colours: 0 unvisited, 1 on the path, 2 done. */
    private static void checkCycles(List<StateNode> states, List<List<Integer>> next) {
        int n = states.size();
        byte[] colour = new byte[n];
        int[] parent = new int[n];
        int[] cursor = new int[n];
        int[] stack = new int[n];
        for (int root = 0; root < n; root++) {
            if (colour[root] != 0) {
                continue;
            }
            int depth = 0;
            stack[depth++] = root;
            colour[root] = 1;
            parent[root] = -1;
            while (depth > 0) {
                int v = stack[depth - 1];
                List<Integer> out = next.get(v);
                if (cursor[v] < out.size()) {
                    int w = out.get(cursor[v]++);
                    if (colour[w] == 0) {
                        colour[w] = 1;
                        parent[w] = v;
                        stack[depth++] = w;
                    } else if (colour[w] == 1) {
                        throw PlanValidationException.circularDependency(cycle(states, parent, w, v));
                    }
                } else {
                    colour[v] = 2;
                    depth--;
                }
            }
        }
    }

    /** The states from {@code start} to {@code end} along the DFS path ({@code end → start} closes it). */
    private static List<StateId> cycle(List<StateNode> states, int[] parent, int start, int end) {
        ArrayList<StateId> reversed = new ArrayList<>();
        for (int v = end; v != start; v = parent[v]) {
            reversed.add(states.get(v).id());
        }
        reversed.add(states.get(start).id());
        List<StateId> cycle = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) {
            cycle.add(reversed.get(i));
        }
        return cycle;
    }
}
