package dev.cairn.cells;

/** A resource limit a cell can hit. */
public enum LimitKind {
    /** Memory: the memory cgroup's OOM killer fired (address-space failures are not observable). */
    MEMORY,
    /** Process count: the pids cgroup refused a fork. */
    PROCESSES,
    /** CPU time: the command was killed by {@code SIGXCPU}. */
    CPU_TIME,
    /** Wall clock: the cell ran past its deadline and was killed. */
    WALL_CLOCK,
    /** Captured output: stdout or stderr exceeded the capture limit and was truncated. */
    OUTPUT
}
