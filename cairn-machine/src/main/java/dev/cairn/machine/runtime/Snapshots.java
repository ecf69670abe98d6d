package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        byte[] canonical;
        try {
            canonical = Canonical.canonicalize(object);
        } catch (JsonException e) {
            throw new Refused(
                    "context_not_canonical",
                    List.of(e.path()),
                    "the context has no canonical JSON form (" + e.code() + " at " + e.path() + ")");
        }
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
        return new ContextState(new HashMap<>(entries), id);
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
