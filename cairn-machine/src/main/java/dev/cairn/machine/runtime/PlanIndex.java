package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.plan.DependencyEdge;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.state.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A validated plan, indexed by plan position: states, their metadata (read once) and edges. */
final class PlanIndex {

    final ExecutionPlan plan;
    final StateId[] ids;
    final State[] states;
    final StateMeta[] metas;
    final int[][] deps;
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
        List<List<Integer>> incoming = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            incoming.add(new ArrayList<>(1));
        }
        for (DependencyEdge edge : plan.graph().edges()) {
            incoming.get(index.get(edge.to())).add(index.get(edge.from()));
        }
        deps = new int[n][];
        List<List<Integer>> outgoing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            deps[i] = incoming.get(i).stream()
                    .mapToInt(Integer::intValue)
                    .distinct()
                    .toArray();
            outgoing.add(new ArrayList<>(1));
        }
        for (int i = 0; i < n; i++) {
            for (int d : deps[i]) {
                outgoing.get(d).add(i);
            }
        }
        dependents = new int[n][];
        for (int i = 0; i < n; i++) {
            dependents[i] = outgoing.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
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
