package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Content-addressed context snapshots: the canonical JSON of the context object, stored as {@code
 * ContextSnapshot}. Equal contexts give equal ids, and a snapshot already stored is not put again.
 * One instance per run execution (it remembers the ids it has seen stored).
 *
 * <p>Snapshots are stored with {@link ArtifactStore#putDeferred}: {@link RunWriter#flush()} syncs the
 * artifact store before it appends the events that reference them.
 */
final class Snapshots {

    /** A context that cannot be snapshotted: secrets found (pointers) or no canonical form. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final transient List<String> pointers;
        final String code;

        Refused(String code, List<String> pointers, String message) {
            super(message, null, false, false);
            this.code = code;
            this.pointers = List.copyOf(pointers);
        }
    }

    private static final int KNOWN_LIMIT = 4096;

    private final ArtifactStore artifacts;
    private final Map<ArtifactId, Boolean> known = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ArtifactId, Boolean> eldest) {
            return size() > KNOWN_LIMIT;
        }
    };

    Snapshots(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    }

    /**
     * Stores the context {@code entries}; returns the state with its id.
     *
     * @throws Refused when the context holds secrets or has no canonical form; nothing is stored
     */
    ContextState store(Map<String, JsonNode> entries) {
        JsonNode object = ContextState.toObject(entries);
        List<String> pointers = Secrets.pointers(object);
        if (!pointers.isEmpty()) {
            throw new Refused(
                    KernelCodes.SECRET_IN_CONTEXT,
                    pointers,
                    "the context holds values that look like secrets, at " + String.join(", ", pointers));
        }
        TreeMap<String, byte[]> members = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : new TreeMap<>(entries).entrySet()) {
            members.put(entry.getKey(), member(entry.getKey(), entry.getValue()));
        }
        return stored(new HashMap<>(entries), members);
    }

    /**
     * Stores {@code base} with the writes {@code diff} applied (a {@code null} value deletes the key):
     * the same snapshot, id and refusals as {@code store(base.apply(diff))}, at the cost of the
     * written members only when {@code base} was stored by this class.
     *
     * <p>Why that is the same: the secret scan of a context object judges each member on its own,
     * except for one rule on the object itself (a {@code name} or {@code key} member naming a secret
     * beside a {@code value} member); {@code base} passed the whole scan, so scanning the written
     * members together with the result's {@code name}, {@code key} and {@code value} members finds a
     * secret exactly when the whole scan would. When it does, the whole scan runs again so that the
     * refusal names the same pointers in the same order. The canonical form of an object is its
     * members' canonical forms sorted by key (UTF-16 code units, as {@link String#compareTo}), each
     * encoded here inside a one-member object so that depth limits and error paths are the whole
     * encoding's.
     *
     * @throws Refused when the context holds secrets or has no canonical form; nothing is stored
     */
    ContextState store(ContextState base, Map<String, JsonNode> diff) {
        Map<String, JsonNode> entries = base.apply(diff);
        if (base.members() == null) {
            return store(entries);
        }
        ObjectNode written = JsonNodeFactory.instance.objectNode();
        diff.forEach((key, value) -> {
            if (value != null) {
                written.set(key, value);
            }
        });
        for (String rule : OBJECT_RULE_MEMBERS) {
            JsonNode value = entries.get(rule);
            if (value != null) {
                written.set(rule, value);
            }
        }
        if (Secrets.containsSecrets(written)) {
            return store(entries); // refuses, with the whole context's pointers
        }
        TreeMap<String, byte[]> members = new TreeMap<>(base.members());
        try {
            diff.forEach((key, value) -> {
                if (value == null) {
                    members.remove(key);
                } else {
                    members.put(key, member(key, value));
                }
            });
        } catch (Refused r) {
            return store(entries); // refuses, with the whole context's path
        }
        return stored(entries, members);
    }

    /** The members the secret scan judges together at the level of an object. */
    private static final List<String> OBJECT_RULE_MEMBERS = List.of("name", "key", "value");

    /** {@code "key":value} in canonical form, from the encoding of the object {@code {key: value}}. */
    private static byte[] member(String key, JsonNode value) {
        ObjectNode single = JsonNodeFactory.instance.objectNode();
        single.set(key, value);
        byte[] object;
        try {
            object = Canonical.canonicalize(single);
        } catch (JsonException e) {
            throw new Refused(
                    "context_not_canonical",
                    List.of(e.path()),
                    "the context has no canonical JSON form (" + e.code() + " at " + e.path() + ")");
        }
        return Arrays.copyOfRange(object, 1, object.length - 1);
    }

    private ContextState stored(Map<String, JsonNode> entries, TreeMap<String, byte[]> members) {
        int size = 2 + Math.max(0, members.size() - 1);
        for (byte[] m : members.values()) {
            size += m.length;
        }
        byte[] canonical = new byte[size];
        canonical[0] = '{';
        int at = 1;
        boolean first = true;
        for (byte[] m : members.values()) {
            if (!first) {
                canonical[at++] = ',';
            }
            first = false;
            System.arraycopy(m, 0, canonical, at, m.length);
            at += m.length;
        }
        canonical[at] = '}';
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(canonical));
        boolean seen;
        synchronized (known) {
            seen = known.containsKey(id);
        }
        if (!seen) {
            if (!artifacts.exists(id)) {
                artifacts.putDeferred(new ArtifactKind.ContextSnapshot(), canonical);
            }
            synchronized (known) {
                known.put(id, Boolean.TRUE);
            }
        }
        return new ContextState(entries, id, members);
    }

    /** The snapshot {@code id}, read back. */
    ContextState load(ArtifactId id) {
        byte[] bytes = artifacts.get(id);
        JsonNode node;
        try {
            node = StrictJson.parse(bytes);
        } catch (JsonException e) {
            throw StorageException.corruption(
                    KernelCodes.INVALID_EVENT_LOG, "context snapshot " + id + " is not JSON (" + e.code() + ")");
        }
        if (!node.isObject()) {
            throw StorageException.corruption(
                    KernelCodes.INVALID_EVENT_LOG, "context snapshot " + id + " is not a JSON object");
        }
        HashMap<String, JsonNode> entries = new HashMap<>();
        node.properties().forEach(member -> entries.put(member.getKey(), member.getValue()));
        synchronized (known) {
            known.put(id, Boolean.TRUE);
        }
        return new ContextState(entries, id);
    }
}
