package dev.cairn.runner.node;

/** Runner nodes: take leases by capability, build each task's context, run built-in and discovered runners; in process or remote. */
public final class RunnerNodeModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-runner";

    private RunnerNodeModule() {}
}
