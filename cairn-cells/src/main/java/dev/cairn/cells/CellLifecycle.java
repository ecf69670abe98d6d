package dev.cairn.cells;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cell lifecycle as one transition table.
 *
 * <pre>
 * CREATED -> STARTED | FAILED | DESTROYED
 * STARTED -> EXITED
 * EXITED  -> DESTROYED
 * FAILED  -> DESTROYED
 * </pre>
 *
 * A running cell that is destroyed is first killed and moves through {@code EXITED}.
 */
public final class CellLifecycle {

    /** One allowed move. */
    public record Move(CellState from, CellState to) {}

    private static final Map<CellState, Set<CellState>> MOVES = new EnumMap<>(CellState.class);

    static {
        MOVES.put(CellState.CREATED, EnumSet.of(CellState.STARTED, CellState.FAILED, CellState.DESTROYED));
        MOVES.put(CellState.STARTED, EnumSet.of(CellState.EXITED));
        MOVES.put(CellState.EXITED, EnumSet.of(CellState.DESTROYED));
        MOVES.put(CellState.FAILED, EnumSet.of(CellState.DESTROYED));
        MOVES.put(CellState.DESTROYED, EnumSet.noneOf(CellState.class));
    }

    private CellLifecycle() {}

    /** Whether {@code from -> to} is in the table. */
    public static boolean allowed(CellState from, CellState to) {
        return MOVES.get(from).contains(to);
    }

    /** Every allowed move. */
    public static List<Move> moves() {
        List<Move> all = new ArrayList<>();
        MOVES.forEach((from, tos) -> tos.forEach(to -> all.add(new Move(from, to))));
        return Collections.unmodifiableList(all);
    }

    /** Throws {@code cell_state_invalid} unless {@code from -> to} is allowed. */
    static void check(String cellId, CellState from, CellState to) {
        if (from == null || !allowed(from, to)) {
            throw CellsException.stateInvalid(cellId, from, to);
        }
    }
}
