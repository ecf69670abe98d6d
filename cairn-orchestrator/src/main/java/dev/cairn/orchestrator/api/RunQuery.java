package dev.cairn.orchestrator.api;

import dev.cairn.contracts.RunState;
import java.util.Objects;
import java.util.Optional;

/**
 * A page request for {@link Orchestrator#runs}: newest first, optionally only runs in {@code
 * state}, at most {@code limit} (1..500), after the opaque {@code cursor} of a previous page.
 */
public record RunQuery(Optional<RunState> state, int limit, Optional<String> cursor) {

    public static final int MAX_LIMIT = 500;

    public RunQuery {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
    }

    public static RunQuery firstPage(int limit) {
        return new RunQuery(Optional.empty(), limit, Optional.empty());
    }
}
