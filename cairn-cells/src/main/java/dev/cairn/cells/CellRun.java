package dev.cairn.cells;

import java.util.Objects;

/** A cell run from creation to teardown: its result and its teardown report. */
public record CellRun(CellResult result, TeardownReport teardown) {

    public CellRun {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(teardown, "teardown");
    }
}
