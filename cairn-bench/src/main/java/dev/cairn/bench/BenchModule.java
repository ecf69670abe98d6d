package dev.cairn.bench;

/** Benchmarks. */
public final class BenchModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-bench";

    private BenchModule() {}
}
