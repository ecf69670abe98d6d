package dev.cairn.cell.api;

/**
 * What {@link CellBackend#destroy(CellHandle) destroy} measured: whether the cell was known and
 * removed ({@code false} on a second destroy or an unknown id), and how many cells the backend
 * still tracks afterwards ({@code 0} on a single-cell host means no residue).
 *
 * <p>Wire form (Cairn's, to record teardowns in events; the Rust struct has none): snake_case,
 * {@code {"cell_id":"c1","destroyed":true,"peers_tracked_after":0}}.
 */
public record TeardownReport(String cellId, boolean destroyed, long peersTrackedAfter) {

    public TeardownReport {
        Checks.nonBlank(cellId, "cell_id");
        Checks.unsigned(peersTrackedAfter, "peers_tracked_after");
    }
}
