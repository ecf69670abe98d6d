package dev.cairn.machine.context;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ContextException;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.internal.JsonValues;
import java.io.IOException;
import java.util.Optional;

/**
 * Seed {@code context::DynContext}: the mutable JSON context a state reads and writes.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #dump()} returns a <em>full snapshot</em> of the current state, a JSON object
 *       (canonical-JSON compatible: no fractional numbers) from which the engine can rebuild an
 *       equal context.
 *   <li>Snapshots are stored as artifacts, so implementations MUST make their serialization
 *       deterministic (the engine hashes the RFC 8785 form).
 *   <li>A context is owned by one state attempt at a time and is not thread-safe (the seed's {@code
 *       &mut}); under {@code FanOutJoin} every concurrent state gets its own.
 *   <li>Failures are {@link ContextException} (unchecked).
 * </ul>
 *
 * <p>Values passed to {@link #write} belong to the context afterwards: callers must not mutate
 * them, and implementations should copy them if they keep them (a {@link JsonNode} is mutable).
 * Every context also has the seed's typed helpers ({@link TypedContextExt}), implemented here.
 */
public interface DynContext extends TypedContextExt {

    /** Reads the raw JSON value under {@code key}; empty when absent. */
    Optional<JsonNode> read(ContextKey key);

    /** Writes (inserts or replaces) the raw JSON value under {@code key}. */
    void write(ContextKey key, JsonNode value);

    /** Deletes the entry under {@code key}, if any. */
    void delete(ContextKey key);

    /** A full snapshot of the current context state, a JSON object. */
    JsonNode dump();

    @Override
    default <T> Optional<T> readTyped(ContextKey key, Class<T> type) {
        Optional<JsonNode> raw = read(key);
        if (raw.isEmpty() || raw.get().isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Wire.fromTree(raw.get(), type));
        } catch (JsonException e) {
            throw ContextException.deserializeFailed(key, type.getSimpleName(), e.path(), e);
        }
    }

    @Override
    default <T> Optional<T> readTyped(ContextKey key, TypeReference<T> type) {
        Optional<JsonNode> raw = read(key);
        if (raw.isEmpty() || raw.get().isNull()) {
            return Optional.empty();
        }
        try {
            T value = Wire.mapper().readerFor(type).readValue(raw.get());
            return Optional.ofNullable(value);
        } catch (IOException e) {
            JsonException failure = Wire.translate(e);
            throw ContextException.deserializeFailed(key, type.getType().getTypeName(), failure.path(), failure);
        }
    }

    @Override
    default void writeTyped(ContextKey key, Object value) {
        JsonNode tree;
        try {
            tree = value == null ? NullNode.getInstance() : JsonValues.copy(Wire.toTree(value), "value");
        } catch (JsonException e) {
            throw ContextException.serializeFailed(key, value.getClass().getSimpleName(), e);
        }
        write(key, tree);
    }
}
