package dev.cairn.cells;

import dev.cairn.json.CodedException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Root exception of {@code cairn-cells}: a cell could not be created, started, run to completion
 * within its limits, or torn down.
 *
 * <p>Codes are stable: {@code sandbox_unavailable}, {@code cell_spec_invalid}, {@code cell_exists},
 * {@code cell_state_invalid}, {@code cell_setup_failed}, {@code cell_spawn_failed}, {@code
 * cell_timeout}, {@code cell_cancelled}, {@code cell_limit_exceeded}, {@code cell_failed}, {@code
 * cell_teardown_incomplete}, {@code network_grant_unavailable}, {@code cell_files_unavailable}.
 */
public final class CellsException extends CodedException {

    private static final long serialVersionUID = 1L;

    CellsException(String code, String message, String hint, boolean retryable, Throwable cause) {
        super(code, message, retryable, hint, cause);
    }

    /** The sandbox backend was required but cannot run on this machine; {@code reason} says why. */
    public static CellsException sandboxUnavailable(String reason) {
        return new CellsException(
                "sandbox_unavailable",
                "the bubblewrap sandbox cannot run here: " + reason,
                "Install bubblewrap (Debian: apt-get install bubblewrap) and allow user namespaces, or choose the"
                        + " PROCESS profile explicitly (no filesystem, network or PID isolation).",
                false,
                null);
    }

    /** A cell specification is malformed; {@code field} names the offending part. */
    public static CellsException specInvalid(String field, String message) {
        return new CellsException(
                "cell_spec_invalid",
                "invalid cell spec (" + field + "): " + message,
                "Fix the cell spec field `" + field + "`.",
                false,
                null);
    }

    /** A live cell with the same id is already tracked by this runtime. */
    public static CellsException exists(String cellId) {
        return new CellsException(
                "cell_exists",
                "a cell with id '" + cellId + "' is already tracked",
                "Destroy the existing cell first or use a different cell id.",
                false,
                null);
    }

    /** The requested lifecycle move is not in the transition table. */
    public static CellsException stateInvalid(String cellId, CellState from, CellState to) {
        return new CellsException(
                "cell_state_invalid",
                from == null
                        ? "cell '" + cellId + "' was never created"
                        : "cell '" + cellId + "' cannot move from " + from + " to " + to,
                "Follow the lifecycle create -> start -> await -> destroy.",
                false,
                null);
    }

    /** Preparing the cell's host resources (scratch directory, cgroups, forwarders) failed. */
    public static CellsException setupFailed(String cellId, String message, Throwable cause) {
        return new CellsException(
                "cell_setup_failed",
                "cell '" + cellId + "' could not be prepared: " + message,
                "Check that the scratch root and cgroup directories are writable by the Cairn process.",
                true,
                cause);
    }

    /** The cell's process could not be started, or the sandbox failed before running the command. */
    public static CellsException spawnFailed(String cellId, String message, Throwable cause) {
        return new CellsException(
                "cell_spawn_failed",
                "cell '" + cellId + "' could not be started: " + message,
                "Check that the sandbox tools (bwrap, prlimit, unshare, setsid) are installed and that the"
                        + " workspace and binds are reachable.",
                true,
                cause);
    }

    /** The cell ran longer than its wall-clock limit and was killed. */
    public static CellsException timeout(String cellId, Duration limit) {
        return new CellsException(
                "cell_timeout",
                "cell '" + cellId + "' exceeded its wall-clock limit of " + limit + " and was killed",
                "Raise the cell's wall-clock limit or make the command finish sooner.",
                true,
                null);
    }

    /** The cell was cancelled (explicitly, by interruption, or by being destroyed while running). */
    public static CellsException cancelled(String cellId) {
        return new CellsException(
                "cell_cancelled", "cell '" + cellId + "' was cancelled", "Run the cell again if needed.", true, null);
    }

    /** The cell hit one or more resource limits. */
    public static CellsException limitExceeded(String cellId, Set<LimitKind> limits) {
        return new CellsException(
                "cell_limit_exceeded",
                "cell '" + cellId + "' exceeded its limits: " + new TreeSet<>(limits),
                "Raise the named limits in the cell spec or reduce what the command uses.",
                false,
                null);
    }

    /** The cell's command finished unsuccessfully. */
    public static CellsException failed(String cellId, CellOutcome outcome) {
        return new CellsException(
                "cell_failed",
                "cell '" + cellId + "' failed: " + outcome.describe(),
                "Read the cell's stderr for the command's own error.",
                false,
                null);
    }

    /** Something of the cell survived teardown; the report says what. */
    public static CellsException teardownIncomplete(TeardownReport report) {
        return new CellsException(
                "cell_teardown_incomplete",
                "cell '" + report.cellId() + "' left residue after teardown: " + report.processesRemaining()
                        + " process(es), " + report.mountsRemaining() + " mount(s)",
                "Destroy the cell again; if residue remains, inspect the processes named in the report.",
                true,
                null);
    }

    /** The runtime was closed; it creates no more cells. */
    public static CellsException runtimeClosed() {
        return new CellsException(
                "cell_runtime_closed", "the cell runtime is closed", "Create a new CellRuntime.", false, null);
    }

    /** A network grant cannot be honoured on this machine. */
    public static CellsException networkGrantUnavailable(String reason) {
        return new CellsException(
                "network_grant_unavailable",
                "granted network endpoints cannot be provided: " + reason,
                "Install perl (Debian: perl-base) or use network policy NONE or HOST.",
                false,
                null);
    }

    /** Files for the cell cannot be placed without touching a disk-backed file system. */
    public static CellsException filesUnavailable(String reason) {
        return new CellsException(
                "cell_files_unavailable",
                "cell files cannot be provided: " + reason,
                "Point the runtime's scratch root at a tmpfs (e.g. /dev/shm).",
                false,
                null);
    }
}
