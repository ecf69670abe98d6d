package dev.cairn.executor.protocol;

/** Seed 002, the step-executor protocol. */
public final class ExecutorProtocol {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-executor-protocol";

    private ExecutorProtocol() {}
}
