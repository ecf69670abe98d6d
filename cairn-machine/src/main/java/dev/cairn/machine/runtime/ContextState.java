package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.ArtifactId;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable run context and its content address: the checkpoint a wave of attempts starts from.
 * Entries are never mutated (attempts read copies and write to their own overlay).
 */
final class ContextState {

    private final Map<String, JsonNode> entries;
    private final ArtifactId id;

    /**
     * The canonical bytes of each member ({@code "key":value}) in RFC 8785 order, when this state
     * was stored by {@link Snapshots#store(ContextState, Map)} or {@link Snapshots#store(Map)}: the
     * next snapshot re-encodes only the members an attempt wrote, and {@code null} otherwise. A
     * state with members was also checked free of secrets as a whole.
     */
    private final SortedMap<String, byte[]> members;

    ContextState(Map<String, JsonNode> entries, ArtifactId id) {
        this(entries, id, null);
    }

    ContextState(Map<String, JsonNode> entries, ArtifactId id, SortedMap<String, byte[]> members) {
        this.entries = Collections.unmodifiableMap(entries);
        this.id = Objects.requireNonNull(id, "id");
        this.members = members == null ? null : Collections.unmodifiableSortedMap(members);
    }

    /** The canonical members, when known (see the field). */
    SortedMap<String, byte[]> members() {
        return members;
    }

    Map<String, JsonNode> entries() {
        return entries;
    }

    ArtifactId id() {
        return id;
    }

    /** The entries after {@code overlay} (a {@code null} value deletes the key). */
    Map<String, JsonNode> apply(Map<String, JsonNode> overlay) {
        HashMap<String, JsonNode> next = new HashMap<>(entries);
        overlay.forEach((k, v) -> {
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
        });
        return next;
    }

    static ObjectNode toObject(Map<String, JsonNode> entries) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(entries).forEach(out::set);
        return out;
    }
}
