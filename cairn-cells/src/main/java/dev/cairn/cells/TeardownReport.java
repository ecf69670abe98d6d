package dev.cairn.cells;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CellRuntime#destroy} did and what it verified (extends seed 004's {@code TeardownReport}:
 * {@code cell_id}, {@code destroyed}, {@code peers_tracked_after}).
 *
 * @param cellId the cell
 * @param destroyed true if the cell was known and is now gone without residue; false on a second destroy, an
 *     unknown id, or when something survived (then the cell stays tracked so destroy can be retried)
 * @param peersTrackedAfter how many cells the runtime still tracks after this call
 * @param processesKilled processes the teardown had to kill (the command itself when it was still running,
 *     and any leftovers)
 * @param processesRemaining processes of the cell still alive after teardown (should be 0)
 * @param mountsRemaining host mounts under the cell's scratch directory or workspace after teardown (should be
 *     0; the sandbox's mounts live in its own mount namespace)
 * @param tempDirsRemoved temporary host directories removed (the cell's scratch directory)
 * @param tempDirsRemaining temporary host directories of the cell that could not be removed (should be 0)
 * @param cgroupsRemoved cgroup directories removed
 * @param cgroupsRemaining cgroup directories of the cell that could not be removed (should be 0)
 * @param verification how the absence of processes was established
 * @param lifecycle every lifecycle record of the cell, in order
 */
public record TeardownReport(
        String cellId,
        boolean destroyed,
        int peersTrackedAfter,
        int processesKilled,
        int processesRemaining,
        int mountsRemaining,
        int tempDirsRemoved,
        int tempDirsRemaining,
        int cgroupsRemoved,
        int cgroupsRemaining,
        Verification verification,
        List<CellLifecycleRecord> lifecycle) {

    /** How teardown established that no process of the cell remains. */
    public enum Verification {
        /** The cell's pids cgroup is empty: every descendant, including daemons that left the session. */
        CGROUP,
        /**
         * Guaranteed by the kernel, not observed (no cgroup, and the cell ended normally or has no per-cell
         * uid): bwrap has exited, so the init of the cell's PID namespace has exited or been sent SIGKILL
         * (die-with-parent), which kills every process of the namespace; none of them can fork any more, and
         * the kernel may still be finishing them for a moment.
         */
        PID_NAMESPACE,
        /**
         * A scan of {@code /proc}: the sandbox's per-cell uid, or the process profile's session id and {@code
         * CAIRN_CELL_KEY} environment marker.
         */
        PROC_SCAN,
        /** Nothing was verified (unknown cell or second destroy). */
        NONE
    }

    public TeardownReport {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(verification, "verification");
        lifecycle = List.copyOf(lifecycle);
    }

    /** Whether the cell is gone and left nothing behind. */
    public boolean clean() {
        return destroyed
                && processesRemaining == 0
                && mountsRemaining == 0
                && tempDirsRemaining == 0
                && cgroupsRemaining == 0;
    }

    static TeardownReport notTracked(String cellId, int peersTrackedAfter) {
        return new TeardownReport(cellId, false, peersTrackedAfter, 0, 0, 0, 0, 0, 0, 0, Verification.NONE, List.of());
    }
}
