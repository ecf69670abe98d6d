package dev.cairn.workspace.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Secrets;
import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.workspace.WorkspaceException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The action-cache key of a command step: the SHA-256 (lowercase hex) of the RFC 8785 canonical
 * JSON of its {@link CacheKeyPreimage}. The same inputs give the same key in any JVM, time zone or
 * locale (nothing in the preimage depends on them); any input that may change the result changes
 * the key. Wire form: the bare string.
 */
@Transparent
public record CacheKey(@WirePattern("^[0-9a-f]{64}$") String value) implements Comparable<CacheKey> {

    public CacheKey {
        if (!ArtifactIds.isValid(value)) {
            throw WorkspaceException.invalidValue(
                    "cache key", "`" + value + "` is not 64 lowercase hex digits (a SHA-256)");
        }
    }

    /**
     * The key of {@code input}.
     *
     * @throws WorkspaceException {@code invalid_cache_key_input} when the preimage would hold a value
     *     that looks like a credential (architecture promise P6: it is persisted with the entry);
     *     the message names where, never the value
     */
    public static CacheKey of(CacheKeyInput input, HostKey hostKey) {
        return of(preimage(input, hostKey));
    }

    /** The key of a preimage. */
    public static CacheKey of(CacheKeyPreimage preimage) {
        JsonNode tree = Wire.toTree(preimage);
        List<String> pointers = Secrets.pointers(tree);
        if (!pointers.isEmpty()) {
            throw WorkspaceException.invalidCacheKeyInput("the values at " + pointers
                    + " look like credentials; declare them as secrets instead of passing them in the step");
        }
        return new CacheKey(ArtifactIds.ofJson(tree));
    }

    /** The preimage of {@code input}'s key: secret versions replaced by their keyed digests. */
    public static CacheKeyPreimage preimage(CacheKeyInput input, HostKey hostKey) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(hostKey, "host_key");
        SortedMap<String, CacheKeyPreimage.SecretDigest> secrets = new TreeMap<>();
        for (Map.Entry<String, DeclaredSecret> e : input.secrets().entrySet()) {
            DeclaredSecret s = e.getValue();
            secrets.put(
                    e.getKey(),
                    new CacheKeyPreimage.SecretDigest(s.delivery(), hostKey.versionDigest(s.name(), s.version())));
        }
        return new CacheKeyPreimage(
                CacheKeyPreimage.FORMAT,
                input.run(),
                input.env(),
                input.workdir(),
                input.inputs(),
                input.parentSnapshot(),
                input.cell(),
                input.network(),
                input.outputs(),
                input.executorVersion(),
                secrets);
    }

    /** The tag of this key's entry, as the host hands it out in a cache decision ({@code cache:<key>}). */
    public SnapshotRef tag() {
        return SnapshotRefs.cacheTag(this);
    }

    @Override
    public int compareTo(CacheKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
