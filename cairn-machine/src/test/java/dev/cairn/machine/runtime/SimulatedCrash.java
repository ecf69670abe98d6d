package dev.cairn.machine.runtime;

/** Thrown by test stores to stop the engine as a {@code kill -9} would: nothing catches an Error. */
final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
        super(message, null, false, false);
    }
}
