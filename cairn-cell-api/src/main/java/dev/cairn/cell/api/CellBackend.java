package dev.cairn.cell.api;

import java.util.OptionalInt;

/**
 * Maps an {@link ExecutionCellDocument} to host isolation primitives (namespaces, cgroups, a
 * microVM) and tears them down again.
 *
 * <p>Methods block and are meant for virtual threads; implementations are thread-safe (several
 * cells may be created at once). {@code destroy} must be safe to call twice: the second call
 * reports {@code destroyed = false}.
 */
public interface CellBackend {

    /** Creates the cell; fails with {@code invalid_spec} or {@code host} (retryable if transient). */
    CellHandle create(ExecutionCellDocument spec) throws CellException;

    /** Destroys the cell and reports what was removed. */
    TeardownReport destroy(CellHandle handle) throws CellException;

    /**
     * Waits for the cell's workload when this backend runs it inside the cell (e.g. an init process
     * in a microVM reporting over vsock) and returns its exit code. Empty, the default, means the
     * backend does not run workloads: the caller launches {@code spec.run.argv} itself. Throws with
     * code {@code host} when the backend runs the workload but lost its exit code (the bridge
     * failed). Interrupting the waiting thread cancels the wait.
     */
    default OptionalInt waitForInVmExit(String cellId) throws CellException {
        return OptionalInt.empty();
    }
}
