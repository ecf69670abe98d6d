package dev.cairn.cells;

/** Where a cell is in its lifecycle; the allowed moves are in {@link CellLifecycle}. */
public enum CellState {
    /** Host resources prepared (scratch directory, cgroups, forwarders); nothing runs yet. */
    CREATED,
    /** The command's process was spawned. */
    STARTED,
    /** The command finished, was killed at its deadline, or was cancelled; its result is known. */
    EXITED,
    /** The process could not be spawned at all. */
    FAILED,
    /** Every process, mount, cgroup and temporary directory of the cell is gone. Terminal. */
    DESTROYED
}
