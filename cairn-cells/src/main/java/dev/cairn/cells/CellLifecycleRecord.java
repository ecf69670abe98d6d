package dev.cairn.cells;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One lifecycle event of a cell: the state it entered, when (from the runtime's clock), the handle at that
 * moment, and a plain-language detail (e.g. the outcome on {@code EXITED}).
 *
 * @param from the previous state, empty for the first record ({@code CREATED})
 */
public record CellLifecycleRecord(
        String cellId, Optional<CellState> from, CellState state, Instant at, CellHandle handle, String detail) {

    public CellLifecycleRecord {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(detail, "detail");
    }
}
