package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a JSON tree from a stream of parse events (YAML or JSON) while recording where every value
 * and key is written. Refuses duplicate keys (keeping the first), nesting beyond the limit, and
 * alias expansion beyond the limits; expands YAML aliases (sharing the anchored subtree, so memory
 * stays proportional to the text) and applies YAML merge keys ({@code <<}).
 *
 * <p>A failure that makes the rest of the document meaningless ({@link Fatal}) stops the build;
 * the others are recorded in {@link Problems} and the build goes on. Not thread-safe.
 */
final class TreeAssembler {

    /** Thrown to stop building: the problem is already recorded. */
    static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        Fatal() {
            super(null, null, false, false);
        }
    }

    private record Anchor(JsonNode node, String pointer, long size) {}

    private record MergeSource(ObjectNode node, String origin) {}

    private static final class Frame {
        final JsonNode node;
        final String pointer;
        final boolean attached;
        final String anchor;
        final long nodesAtStart;
        final boolean mergeValue;
        final Map<String, SourcePosition> keys = new HashMap<>();
        final List<MergeSource> merges = new ArrayList<>();
        String key;
        boolean keyIsMerge;
        boolean discardNext;

        Frame(JsonNode node, String pointer, boolean attached, String anchor, long nodesAtStart, boolean mergeValue) {
            this.node = node;
            this.pointer = pointer;
            this.attached = attached;
            this.anchor = anchor;
            this.nodesAtStart = nodesAtStart;
            this.mergeValue = mergeValue;
        }

        boolean isObject() {
            return node instanceof ObjectNode;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SpecLimits limits;
    private final Problems problems;
    private final boolean mergeKeys;
    private final SourceMap.Builder map = new SourceMap.Builder();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Anchor> anchors = new HashMap<>();
    private final Set<String> openAnchors = new HashSet<>();
    private final Map<JsonNode, String> origins = new IdentityHashMap<>();
    private final Set<String> poisoned = new HashSet<>();
    private JsonNode root;
    private long nodes;
    private int aliases;

    TreeAssembler(SpecLimits limits, Problems problems, boolean mergeKeys) {
        this.limits = limits;
        this.problems = problems;
        this.mergeKeys = mergeKeys;
    }

    /** Whether the root value is complete. */
    boolean done() {
        return root != null && stack.isEmpty();
    }

    /** Whether the innermost open container is a mapping waiting for its next key. */
    boolean expectsKey() {
        Frame top = stack.peek();
        return top != null && top.isObject() && top.key == null && !top.keyIsMerge && !top.discardNext;
    }

    /** The pointer the next value will have (a mapping's own pointer while it waits for a key). */
    String nextPointer() {
        Frame top = stack.peek();
        if (top != null && top.isObject() && top.key == null && !top.keyIsMerge) {
            return top.pointer;
        }
        return slot().pointer;
    }

    /** The tree, once {@link #done()}. */
    SourceTree tree() {
        return new SourceTree(root, map.build(), Set.copyOf(poisoned));
    }

    void key(String key, SourcePosition position) {
        Frame top = stack.peek();
        if (top == null || !top.isObject()) {
            throw new IllegalStateException("a key outside a mapping");
        }
        if (!top.attached) {
            // Inside a value that is dropped (a duplicate key's): nothing of it is kept or reported.
            top.key = key;
            return;
        }
        SourcePosition first = top.keys.get(key);
        String pointer = Pointers.child(top.pointer, key);
        if (first != null) {
            problems.placed(
                    position,
                    pointer,
                    SpecCode.DUPLICATE_KEY,
                    "duplicate key `" + Texts.abbreviate(key) + "`: it is already defined at line " + first.line()
                            + ", column " + first.column(),
                    null);
            top.discardNext = true;
            return;
        }
        top.keys.put(key, position);
        if (mergeKeys && key.equals("<<")) {
            top.keyIsMerge = true;
            return;
        }
        top.key = key;
        map.key(pointer, position);
    }

    void scalar(JsonNode value, SourcePosition position, String anchor, String plainText) throws Fatal {
        count(1, position);
        Slot slot = slot();
        if (slot.mergeValue) {
            problems.placed(
                    position,
                    slot.pointer,
                    SpecCode.UNSUPPORTED_YAML,
                    "a merge key (`<<`) takes a mapping or a list of mappings, not a scalar",
                    null);
            clearKey();
            return;
        }
        if (slot.record) {
            map.value(slot.pointer, position);
            if (plainText != null) {
                map.scalarText(slot.pointer, plainText);
            }
        }
        place(value);
        if (anchor != null) {
            anchors.put(anchor, new Anchor(value, slot.pointer, 1));
        }
    }

    /** A value that could not be read (the problem is recorded): a null stands in for it. */
    void poison(SourcePosition position) throws Fatal {
        Slot slot = slot();
        if (slot.record) {
            poisoned.add(slot.pointer);
        }
        scalar(NODES.nullNode(), position, null, null);
    }

    void start(boolean object, SourcePosition position, String anchor) throws Fatal {
        if (stack.size() + 1 > limits.maxDepth()) {
            problems.placed(
                    position,
                    slot().pointer,
                    SpecCode.TOO_DEEP,
                    "mappings and lists nest deeper than " + limits.maxDepth() + " levels",
                    null);
            throw new Fatal();
        }
        count(1, position);
        Slot slot = slot();
        JsonNode node = object ? NODES.objectNode() : NODES.arrayNode();
        if (slot.record) {
            map.value(slot.pointer, position);
        }
        if (!slot.mergeValue && slot.attach) {
            place(node);
        } else if (!slot.mergeValue) {
            clearKey();
        }
        if (object) {
            origins.put(node, slot.pointer);
        }
        if (anchor != null) {
            openAnchors.add(anchor);
        }
        stack.push(new Frame(node, slot.pointer, slot.record, anchor, nodes, slot.mergeValue));
    }

    void end() throws Fatal {
        Frame frame = stack.pop();
        if (frame.node instanceof ObjectNode object) {
            applyMerges(frame, object);
        }
        if (frame.anchor != null) {
            openAnchors.remove(frame.anchor);
            anchors.put(frame.anchor, new Anchor(frame.node, frame.pointer, nodes - frame.nodesAtStart + 1));
        }
        if (stack.isEmpty()) {
            root = frame.node;
            return;
        }
        if (frame.mergeValue) {
            merge(frame.node, frame.pointer, null);
        }
    }

    void alias(String name, SourcePosition position) throws Fatal {
        aliases++;
        if (aliases > limits.maxAliases()) {
            problems.placed(
                    position,
                    slot().pointer,
                    SpecCode.TOO_MANY_NODES,
                    "more than " + limits.maxAliases() + " aliases",
                    null);
            throw new Fatal();
        }
        Anchor anchor = anchors.get(name);
        if (anchor == null || openAnchors.contains(name)) {
            problems.placed(
                    position,
                    slot().pointer,
                    SpecCode.UNKNOWN_ALIAS,
                    openAnchors.contains(name)
                            ? "alias `*" + Texts.abbreviate(name) + "` refers to a node that contains it"
                            : "alias `*" + Texts.abbreviate(name) + "` names no anchor defined before it",
                    null);
            throw new Fatal();
        }
        count(anchor.size(), position);
        Slot slot = slot();
        if (slot.mergeValue) {
            merge(anchor.node(), anchor.pointer(), position);
            return;
        }
        if (slot.record) {
            map.value(slot.pointer, position);
            map.redirect(slot.pointer, anchor.pointer());
        }
        place(anchor.node());
    }

    private void count(long added, SourcePosition position) throws Fatal {
        nodes += added;
        if (nodes > limits.maxNodes()) {
            problems.placed(
                    position,
                    stack.isEmpty() ? "" : slot().pointer,
                    SpecCode.TOO_MANY_NODES,
                    "the document expands to more than " + limits.maxNodes() + " values",
                    null);
            throw new Fatal();
        }
    }

    /** Where the next value goes. */
    private record Slot(String pointer, boolean attach, boolean record, boolean mergeValue) {}

    private Slot slot() {
        Frame top = stack.peek();
        if (top == null) {
            return new Slot("", true, true, false);
        }
        if (top.isObject()) {
            if (top.keyIsMerge) {
                return new Slot(Pointers.child(top.pointer, "<<"), false, top.attached, true);
            }
            if (top.discardNext || top.key == null) {
                return new Slot(Pointers.child(top.pointer, "<<dropped>>"), false, false, false);
            }
            return new Slot(Pointers.child(top.pointer, top.key), top.attached, top.attached, false);
        }
        return new Slot(Pointers.child(top.pointer, top.node.size()), top.attached, top.attached, false);
    }

    private void place(JsonNode value) {
        Frame top = stack.peek();
        if (top == null) {
            root = value;
            return;
        }
        if (top.node instanceof ObjectNode object) {
            if (!top.discardNext && top.key != null && top.attached) {
                object.set(top.key, value);
            }
            clearKey();
        } else if (top.attached) {
            ((ArrayNode) top.node).add(value);
        } else {
            // A list inside a dropped or merge value: keep indexes right for nested pointers.
            ((ArrayNode) top.node).add(value);
        }
    }

    private void clearKey() {
        Frame top = stack.peek();
        if (top != null && top.isObject()) {
            top.key = null;
            top.keyIsMerge = false;
            top.discardNext = false;
        }
    }

    private void merge(JsonNode value, String origin, SourcePosition position) {
        Frame top = stack.peek();
        if (top == null || !top.isObject()) {
            return;
        }
        boolean ok = true;
        if (value instanceof ObjectNode object) {
            top.merges.add(new MergeSource(object, origins.getOrDefault(object, origin)));
        } else if (value instanceof ArrayNode list) {
            for (JsonNode element : list) {
                if (element instanceof ObjectNode object) {
                    top.merges.add(new MergeSource(object, origins.getOrDefault(object, origin)));
                } else {
                    ok = false;
                }
            }
        } else {
            ok = false;
        }
        if (!ok) {
            String pointer = Pointers.child(top.pointer, "<<");
            SourcePosition at = position != null ? position : top.keys.getOrDefault("<<", SourcePosition.START);
            problems.placed(
                    at,
                    pointer,
                    SpecCode.UNSUPPORTED_YAML,
                    "a merge key (`<<`) takes a mapping or a list of mappings",
                    null);
        }
        clearKey();
    }

    private void applyMerges(Frame frame, ObjectNode object) {
        if (frame.merges.isEmpty()) {
            return;
        }
        for (MergeSource source : frame.merges) {
            for (Map.Entry<String, JsonNode> field : source.node().properties()) {
                String name = field.getKey();
                if (object.has(name)) {
                    continue; // keys written in the mapping win, then earlier merge sources
                }
                object.set(name, field.getValue());
                if (frame.attached) {
                    String pointer = Pointers.child(frame.pointer, name);
                    map.redirect(pointer, Pointers.child(source.origin(), name));
                }
            }
        }
    }
}
