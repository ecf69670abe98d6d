package dev.cairn.cells;

/**
 * Receives every lifecycle record of every cell of a runtime, synchronously, on the thread that made the
 * move. Implementations must be fast and must not throw; an exception is ignored.
 */
@FunctionalInterface
public interface CellLifecycleListener {

    void onTransition(CellLifecycleRecord record);
}
