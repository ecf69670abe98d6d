package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.state.State;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated plan, indexed by plan position: states, their metadata (read once) and edges as
 * primitive arrays (plans of hundreds of thousands of states index in milliseconds).
 */
final class PlanIndex {

    final ExecutionPlan plan;
    final StateId[] ids;
    final State[] states;
    final StateMeta[] metas;
    /** {@code deps[i]}: the distinct states {@code i} depends on. */
    final int[][] deps;
    /** {@code dependents[i]}: the distinct states that depend on {@code i}. */
    final int[][] dependents;

    private final Map<StateId, Integer> index;

    private PlanIndex(ExecutionPlan plan) {
        this.plan = plan;
        List<StateNode> nodes = plan.graph().states();
        int n = nodes.size();
        ids = new StateId[n];
        states = new State[n];
        metas = new StateMeta[n];
        index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            StateNode node = nodes.get(i);
            ids[i] = node.id();
            states[i] = node.state();
            metas[i] = node.state().meta();
            index.put(node.id(), i);
        }
        List<DependencyEdge> edges = plan.graph().edges();
        int[] from = new int[edges.size()];
        int[] to = new int[edges.size()];
        for (int e = 0; e < edges.size(); e++) {
            from[e] = index.get(edges.get(e).from());
            to[e] = index.get(edges.get(e).to());
        }
        deps = group(n, to, from);
        dependents = group(n, from, to);
    }

    /** For each {@code k}, the distinct {@code value[e]} of the edges with {@code key[e] == k}, in edge order. */
    private static int[][] group(int n, int[] key, int[] value) {
        int[] count = new int[n];
        for (int k : key) {
            count[k]++;
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new int[count[i]];
        }
        int[] fill = new int[n];
        for (int e = 0; e < key.length; e++) {
            int k = key[e];
            int[] row = out[k];
            boolean seen = false;
            for (int j = 0; j < fill[k] && !seen; j++) {
                seen = row[j] == value[e];
            }
            if (!seen) {
                row[fill[k]++] = value[e];
            }
        }
        for (int i = 0; i < n; i++) {
            if (fill[i] != out[i].length) {
                out[i] = Arrays.copyOf(out[i], fill[i]);
            }
        }
        return out;
    }

    /** Indexes {@code plan}, which must have passed {@link GraphPlanValidator}. */
    static PlanIndex of(ExecutionPlan plan) {
        return new PlanIndex(plan);
    }

    int size() {
        return ids.length;
    }

    /** The position of {@code id}, or -1. */
    int indexOf(StateId id) {
        Integer i = index.get(id);
        return i == null ? -1 : i;
    }
}
