package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;

/**
 * Seed {@code ids::StateId}: {@code <machine_id>.<step_id>.<state_local_id>}, e.g. {@code
 * portfolio_snapshot.fetch_balances.read_eth}. Assigned by the planner, not by the state.
 *
 * <p>Exactly three dot-separated segments, each matching {@code ^[a-z][a-z0-9_]{0,62}$}, else
 * {@link IdValidationException} (kind {@code state_id}), both here and while deserializing. Wire
 * form: the bare string.
 */
@Transparent
public record StateId(String value) implements Comparable<StateId> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "state_id";

    public StateId {
        if (value == null || !IdSyntax.isDotted(value, 3)) {
            throw IdValidationException.of(
                    KIND, value, "<machine_id>.<step_id>.<state_local_id>, each segment " + IdSyntax.SEGMENT_RULE);
        }
    }

    /** The seed's {@code must_new}: a validated id, or {@link IdValidationException}. */
    public static StateId of(String value) {
        return new StateId(value);
    }

    /** The state {@code local} under {@code path}, validated. */
    public static StateId of(OpPath path, String local) {
        return new StateId(path.value() + "." + local);
    }

    /** The machine segment. */
    public String machine() {
        return IdSyntax.segment(value, 0);
    }

    /** The step segment. */
    public String step() {
        return IdSyntax.segment(value, 1);
    }

    /** The state-local segment. */
    public String local() {
        return IdSyntax.segment(value, 2);
    }

    /** {@code <machine_id>.<step_id>}: the operation path this state belongs to. */
    public OpPath opPath() {
        return new OpPath(value.substring(0, value.lastIndexOf('.')));
    }

    @Override
    public int compareTo(StateId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
