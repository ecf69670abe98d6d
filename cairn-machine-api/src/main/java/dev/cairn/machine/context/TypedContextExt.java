package dev.cairn.machine.context;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.machine.errors.ContextException;
import dev.cairn.machine.ids.ContextKey;
import java.util.Optional;

/**
 * Seed {@code context::TypedContextExt}: typed reads and writes of context values through the wire
 * codec ({@code dev.cairn.json.wire.Wire}).
 *
 * <p>As in the seed, this interface declares the operations and every context gets them: {@link
 * DynContext} extends it and implements them once, as default methods over its raw JSON
 * operations (the seed's blanket implementation). Implementations of {@code DynContext} need not
 * override them.
 */
public interface TypedContextExt {

    /**
     * Reads the value under {@code key} as {@code type}; empty when the key is absent or holds JSON
     * {@code null}.
     *
     * @throws ContextException {@code context_deserialize_failed} when the value does not read as
     *     {@code type}, or the context's own failure
     */
    <T> Optional<T> readTyped(ContextKey key, Class<T> type);

    /** As {@link #readTyped(ContextKey, Class)}, for generic types such as {@code List<Tag>}. */
    <T> Optional<T> readTyped(ContextKey key, TypeReference<T> type);

    /**
     * Writes the wire form of {@code value} under {@code key}; {@code null} writes JSON {@code
     * null}.
     *
     * @throws ContextException {@code context_serialize_failed} when the value has no JSON form, or
     *     the context's own failure
     */
    void writeTyped(ContextKey key, Object value);
}
