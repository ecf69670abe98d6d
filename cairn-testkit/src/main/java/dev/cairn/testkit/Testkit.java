package dev.cairn.testkit;

/** Test kit for Cairn users and Cairn itself: in-memory stores, a manual clock, and the contract test suites every store implementation runs. */
public final class Testkit {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-testkit";

    private Testkit() {}
}
