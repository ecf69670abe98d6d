package dev.cairn.machine.runtime;

/** The durable execution kernel: engine (start, resume, retry, fan-out/join), live and replay IO, the exec transport. */
public final class MachineRuntime {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-machine";

    private MachineRuntime() {}
}
