package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::OpId}: stable, human-meaningful identifier of an operation, e.g. {@code
 * portfolio_snapshot}. Stable across environments; never random.
 *
 * <p>Valid values match {@code ^[a-z][a-z0-9_]{0,62}$}; anything else is refused with {@link
 * IdValidationException} (kind {@code op_id}), both here and while deserializing. Wire form: the
 * bare string.
 */
@Transparent
public record OpId(String value) implements Comparable<OpId> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "op_id";

    public OpId {
        if (value == null || !IdSyntax.isSegment(value, 0, value.length())) {
            throw IdValidationException.of(KIND, value, IdSyntax.SEGMENT_RULE);
        }
    }

    /** The seed's {@code must_new}: a validated id, or {@link IdValidationException}. */
    public static OpId of(String value) {
        return new OpId(value);
    }

    @Override
    public int compareTo(OpId other) {
        return value.compareTo(other.value);
    }

    /** The identifier itself (the seed's {@code Display}). */
    @Override
    public String toString() {
        return value;
    }
}
