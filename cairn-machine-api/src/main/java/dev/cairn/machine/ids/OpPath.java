package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::OpPath}: {@code <machine_id>.<step_id>}, e.g. {@code portfolio_snapshot.fetch}.
 *
 * <p>The seed documents the shape as enforced but leaves the tuple field public; Cairn enforces it:
 * exactly two dot-separated segments, each matching {@code ^[a-z][a-z0-9_]{0,62}$}, else {@link
 * IdValidationException} (kind {@code op_path}). Wire form: the bare string.
 */
@Transparent
public record OpPath(String value) implements Comparable<OpPath> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "op_path";

    public OpPath {
        if (value == null || !IdSyntax.isDotted(value, 2)) {
            throw IdValidationException.of(
                    KIND, value, "<machine_id>.<step_id>, each segment " + IdSyntax.SEGMENT_RULE);
        }
    }

    /** A validated path, or {@link IdValidationException}. */
    public static OpPath of(String value) {
        return new OpPath(value);
    }

    /** {@code <machine_id>.<step_id>} from its two segments, each validated. */
    public static OpPath of(String machine, String step) {
        return new OpPath(machine + "." + step);
    }

    /** The machine segment. */
    public String machine() {
        return IdSyntax.segment(value, 0);
    }

    /** The step segment. */
    public String step() {
        return IdSyntax.segment(value, 1);
    }

    @Override
    public int compareTo(OpPath other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
