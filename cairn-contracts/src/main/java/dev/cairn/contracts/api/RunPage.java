package dev.cairn.contracts.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of {@code GET /v1/runs}, newest first. {@code next_cursor} is opaque; pass it back as
 * {@code cursor} for the next page; absent on the last page.
 */
public record RunPage(List<RunListItem> runs, Optional<String> nextCursor) {

    public RunPage {
        runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
        Objects.requireNonNull(nextCursor, "next_cursor");
    }
}
