package dev.cairn.runner.api;

/** Seed 000, the runner contract. */
public final class RunnerApi {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-runner-api";

    private RunnerApi() {}
}
