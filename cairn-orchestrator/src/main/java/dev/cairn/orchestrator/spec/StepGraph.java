package dev.cairn.orchestrator.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code needs} graph of a pipeline's steps, over raw ids (so that it can be checked even when
 * some ids are malformed): duplicate ids, references to unknown steps, cycles, and which steps run
 * before which.
 */
final class StepGraph {

    /** A step: its id (null when it has none) and where the id is, and its {@code needs}. */
    record Node(String id, String idPointer, List<Edge> needs) {}

    /** One {@code needs} entry: the step named, and where the entry is. */
    record Edge(String target, String pointer) {}

    private final List<Node> nodes;
    private final Map<String, Integer> index = new LinkedHashMap<>();

    StepGraph(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
        for (int i = 0; i < nodes.size(); i++) {
            String id = nodes.get(i).id();
            if (id != null) {
                index.putIfAbsent(id, i);
            }
        }
    }

    /** Whether a step has this id. */
    boolean has(String id) {
        return index.containsKey(id);
    }

    /** The step ids, in document order, first occurrence of each. */
    Set<String> ids() {
        return index.keySet();
    }

    /** Duplicate ids, unknown {@code needs} targets and cycles. */
    void check(Problems problems) {
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (node.id() != null && index.get(node.id()) != i) {
                problems.at(
                        node.idPointer(),
                        SpecCode.DUPLICATE_STEP,
                        "step id `" + Texts.abbreviate(node.id()) + "` is already used by step " + index.get(node.id())
                                + " (" + "/steps/" + index.get(node.id()) + ")");
            }
            for (Edge edge : node.needs()) {
                if (!has(edge.target())) {
                    problems.at(
                            edge.pointer(),
                            SpecCode.UNKNOWN_STEP,
                            "`needs` names step `" + Texts.abbreviate(edge.target()) + "`, which does not exist"
                                    + Texts.didYouMean(edge.target(), ids()));
                }
            }
        }
        for (List<Integer> cycle : cycles()) {
            StringBuilder names = new StringBuilder();
            for (int i : cycle) {
                names.append(nodes.get(i).id()).append(" -> ");
            }
            names.append(nodes.get(cycle.getFirst()).id());
            Node first = nodes.get(cycle.getFirst());
            String next = nodes.get(cycle.size() > 1 ? cycle.get(1) : cycle.getFirst())
                    .id();
            String pointer = first.idPointer();
            for (Edge edge : first.needs()) {
                if (edge.target().equals(next)) {
                    pointer = edge.pointer();
                    break;
                }
            }
            problems.at(
                    pointer, SpecCode.DEPENDENCY_CYCLE, "dependency cycle: " + names + " (each step needs the next)");
        }
    }

    /**
     * Each cycle once, as the step indexes along {@code needs} edges, starting at its step that
     * comes first in the document.
     */
    List<List<Integer>> cycles() {
        int n = nodes.size();
        int[] state = new int[n]; // 0 new, 1 on the path, 2 done
        List<List<Integer>> found = new ArrayList<>();
        Set<Set<Integer>> seen = new LinkedHashSet<>();
        for (int start = 0; start < n; start++) {
            if (state[start] != 0 || !isCanonical(start)) {
                continue;
            }
            Deque<int[]> stack = new ArrayDeque<>(); // {node, next edge}
            List<Integer> path = new ArrayList<>();
            stack.push(new int[] {start, 0});
            path.add(start);
            state[start] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<Edge> edges = nodes.get(top[0]).needs();
                if (top[1] >= edges.size()) {
                    state[top[0]] = 2;
                    stack.pop();
                    path.removeLast();
                    continue;
                }
                Integer target = index.get(edges.get(top[1]++).target());
                if (target == null || !isCanonical(target)) {
                    continue;
                }
                if (state[target] == 1) {
                    List<Integer> cycle = new ArrayList<>(path.subList(path.indexOf(target), path.size()));
                    if (seen.add(Set.copyOf(cycle))) {
                        found.add(rotate(cycle));
                    }
                } else if (state[target] == 0) {
                    state[target] = 1;
                    stack.push(new int[] {target, 0});
                    path.add(target);
                }
            }
        }
        return found;
    }

    private boolean isCanonical(int i) {
        String id = nodes.get(i).id();
        return id != null && index.get(id) == i;
    }

    private static List<Integer> rotate(List<Integer> cycle) {
        int min = cycle.indexOf(cycle.stream().min(Integer::compare).orElseThrow());
        List<Integer> out = new ArrayList<>(cycle.subList(min, cycle.size()));
        out.addAll(cycle.subList(0, min));
        return out;
    }

    /** The steps that finish before {@code id} starts: everything it needs, transitively. */
    Set<String> upstream(String id) {
        Set<String> out = new LinkedHashSet<>();
        Integer start = index.get(id);
        if (start == null) {
            return out;
        }
        Deque<Integer> todo = new ArrayDeque<>();
        todo.push(start);
        Map<Integer, Boolean> visited = new HashMap<>();
        while (!todo.isEmpty()) {
            int i = todo.pop();
            for (Edge edge : nodes.get(i).needs()) {
                Integer target = index.get(edge.target());
                if (target != null && visited.putIfAbsent(target, Boolean.TRUE) == null) {
                    out.add(nodes.get(target).id());
                    todo.push(target);
                }
            }
        }
        return out;
    }
}
