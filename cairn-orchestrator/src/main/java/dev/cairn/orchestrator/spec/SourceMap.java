package dev.cairn.orchestrator.spec;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each value (and each mapping key) of a spec's tree was written, by JSON Pointer.
 *
 * <p>Every pointer has a position: a pointer that is not in the document (a missing field, say)
 * gets the position of its nearest ancestor that is, and the root is 1:1. Content reused through a
 * YAML alias or merge key is located where it is written, at its anchor.
 */
public final class SourceMap {

    /** A map that knows no positions: everything is at 1:1 (for documents built in code). */
    public static final SourceMap EMPTY = new SourceMap(Map.of(), Map.of(), Map.of(), Map.of());

    private static final int MAX_REDIRECTS = 64;

    private final Map<String, SourcePosition> values;
    private final Map<String, SourcePosition> keys;
    private final Map<String, String> redirects;
    private final Map<String, String> scalars;

    private SourceMap(
            Map<String, SourcePosition> values,
            Map<String, SourcePosition> keys,
            Map<String, String> redirects,
            Map<String, String> scalars) {
        this.values = values;
        this.keys = keys;
        this.redirects = redirects;
        this.scalars = scalars;
    }

    /** Where the value at {@code pointer} (or its nearest located ancestor) is written. */
    public SourcePosition value(String pointer) {
        return find(values, pointer);
    }

    /**
     * Where the key of the member at {@code pointer} is written; for array elements and the root,
     * or when the key is unknown, where the value (or its nearest ancestor) is.
     */
    public SourcePosition key(String pointer) {
        SourcePosition exact = exact(keys, pointer);
        return exact != null ? exact : value(pointer);
    }

    /**
     * The text a YAML plain scalar at {@code pointer} was written as, when YAML typed it as
     * something other than a string (e.g. {@code 1.10} for the number 1.1); empty otherwise.
     */
    public Optional<String> scalarText(String pointer) {
        String resolved = resolve(pointer);
        return Optional.ofNullable(scalars.get(resolved == null ? pointer : resolved));
    }

    private SourcePosition find(Map<String, SourcePosition> map, String pointer) {
        String current = pointer;
        while (true) {
            SourcePosition exact = exact(map, current);
            if (exact != null) {
                return exact;
            }
            if (current.isEmpty()) {
                return SourcePosition.START;
            }
            current = Pointers.parent(current);
        }
    }

    private SourcePosition exact(Map<String, SourcePosition> map, String pointer) {
        SourcePosition direct = map.get(pointer);
        if (direct != null) {
            return direct;
        }
        String resolved = resolve(pointer);
        return resolved == null ? null : map.get(resolved);
    }

    /** The pointer where the content at {@code pointer} is written, following aliases; null if none. */
    private String resolve(String pointer) {
        if (redirects.isEmpty()) {
            return null;
        }
        String current = pointer;
        boolean moved = false;
        for (int hop = 0; hop < MAX_REDIRECTS; hop++) {
            String next = redirectOnce(current);
            if (next == null) {
                break;
            }
            current = next;
            moved = true;
        }
        return moved ? current : null;
    }

    private String redirectOnce(String pointer) {
        // The longest prefix of pointer (itself included) that is redirected.
        String prefix = pointer;
        while (true) {
            String target = redirects.get(prefix);
            if (target != null) {
                return target + pointer.substring(prefix.length());
            }
            if (prefix.isEmpty()) {
                return null;
            }
            prefix = Pointers.parent(prefix);
        }
    }

    /** Collects positions while a tree is built; not thread-safe. */
    static final class Builder {
        private final Map<String, SourcePosition> values = new HashMap<>();
        private final Map<String, SourcePosition> keys = new HashMap<>();
        private final Map<String, String> redirects = new HashMap<>();
        private final Map<String, String> scalars = new HashMap<>();

        void value(String pointer, SourcePosition position) {
            values.putIfAbsent(pointer, position);
        }

        void key(String pointer, SourcePosition position) {
            keys.putIfAbsent(pointer, position);
        }

        /** Content at {@code pointer} is the content written at {@code target}. */
        void redirect(String pointer, String target) {
            if (!pointer.equals(target)) {
                redirects.putIfAbsent(pointer, target);
            }
        }

        void scalarText(String pointer, String text) {
            scalars.putIfAbsent(pointer, text);
        }

        SourceMap build() {
            return new SourceMap(Map.copyOf(values), Map.copyOf(keys), Map.copyOf(redirects), Map.copyOf(scalars));
        }
    }
}
