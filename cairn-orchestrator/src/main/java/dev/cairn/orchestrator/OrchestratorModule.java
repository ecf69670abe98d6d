package dev.cairn.orchestrator;

/** The orchestrator: pipeline specs, planning onto the kernel, the task queue with leases. */
public final class OrchestratorModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-orchestrator";

    private OrchestratorModule() {}
}
