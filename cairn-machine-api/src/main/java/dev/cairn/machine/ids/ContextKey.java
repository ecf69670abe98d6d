package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::ContextKey}: namespaced key of a context entry.
 *
 * <p>Free-form in the seed; Cairn only refuses {@code null} ({@link IdValidationException}, kind
 * {@code context_key}). Wire form: the bare string.
 */
@Transparent
public record ContextKey(String value) implements Comparable<ContextKey> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "context_key";

    public ContextKey {
        if (value == null) {
            throw IdValidationException.of(KIND, null, "a string");
        }
    }

    /** The context key {@code value}; only {@code null} is refused. */
    public static ContextKey of(String value) {
        return new ContextKey(value);
    }

    @Override
    public int compareTo(ContextKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
