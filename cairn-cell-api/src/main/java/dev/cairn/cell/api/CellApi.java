package dev.cairn.cell.api;

/** Seed 004, the isolation-cell ports. */
public final class CellApi {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-cell-api";

    private CellApi() {}
}
