package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::FactKey}: namespaced key of a recorded fact (an external input), e.g. {@code http:prices|2026-11-23}.
 *
 * <p>Free-form in the seed; Cairn only refuses {@code null} ({@link IdValidationException}, kind
 * {@code fact_key}). Wire form: the bare string.
 */
@Transparent
public record FactKey(String value) implements Comparable<FactKey> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "fact_key";

    public FactKey {
        if (value == null) {
            throw IdValidationException.of(KIND, null, "a string");
        }
    }

    /** The fact key {@code value}; only {@code null} is refused. */
    public static FactKey of(String value) {
        return new FactKey(value);
    }

    @Override
    public int compareTo(FactKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
