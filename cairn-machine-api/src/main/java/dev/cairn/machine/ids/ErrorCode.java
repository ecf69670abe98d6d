package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::ErrorCode}: stable, machine-readable error code, by convention snake_case (e.g. {@code missing_fact_key}).
 *
 * <p>Free-form in the seed; Cairn only refuses {@code null} ({@link IdValidationException}, kind
 * {@code error_code}). Wire form: the bare string.
 */
@Transparent
public record ErrorCode(String value) implements Comparable<ErrorCode> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "error_code";

    public ErrorCode {
        if (value == null) {
            throw IdValidationException.of(KIND, null, "a string");
        }
    }

    /** The error code {@code value}; only {@code null} is refused. */
    public static ErrorCode of(String value) {
        return new ErrorCode(value);
    }

    @Override
    public int compareTo(ErrorCode other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
