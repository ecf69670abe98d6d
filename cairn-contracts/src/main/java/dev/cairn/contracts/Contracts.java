package dev.cairn.contracts;

/** Seed 003, the HTTP contracts. */
public final class Contracts {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-contracts";

    private Contracts() {}
}
