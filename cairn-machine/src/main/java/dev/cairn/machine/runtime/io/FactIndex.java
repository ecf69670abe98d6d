package dev.cairn.machine.runtime.io;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's fact bindings, {@code FactKey → payload ArtifactId}: the {@code fact_recorded} events of
 * its log, indexed. The engine builds it while it scans the log on resume or replay (never holding
 * the log itself) and extends it as live IO records new facts. A key is bound once: binding it
 * again to the same payload is a no-op, to another payload a conflict. Thread-safe.
 */
public final class FactIndex {

    private final ConcurrentHashMap<FactKey, ArtifactId> bindings = new ConcurrentHashMap<>();

    /** The payload bound to {@code key}. */
    public Optional<ArtifactId> get(FactKey key) {
        return Optional.ofNullable(bindings.get(key));
    }

    /**
     * Binds {@code key} to {@code payloadId} unless it is bound already.
     *
     * @return the payload the key was bound to before, empty when this call bound it
     */
    public Optional<ArtifactId> bindIfAbsent(FactKey key, ArtifactId payloadId) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payloadId, "payload_id");
        return Optional.ofNullable(bindings.putIfAbsent(key, payloadId));
    }

    /**
     * Adds a binding read from the log at {@code seq}.
     *
     * @throws StorageException {@code Corruption} ({@code fact_recorded_conflict}) when the log binds
     *     the key to two payloads
     */
    public void load(FactKey key, ArtifactId payloadId, long seq) {
        Optional<ArtifactId> previous = bindIfAbsent(key, payloadId);
        if (previous.isPresent() && !previous.get().equals(payloadId)) {
            throw StorageException.corruption(
                    "fact_recorded_conflict",
                    "the event log binds fact key `" + key + "` to two payloads (again at seq " + seq + ")");
        }
    }

    /** How many keys are bound. */
    public int size() {
        return bindings.size();
    }
}
