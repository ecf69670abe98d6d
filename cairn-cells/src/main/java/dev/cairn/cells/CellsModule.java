package dev.cairn.cells;

/** Cell backends: host processes and Linux-namespace sandboxes. */
public final class CellsModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-cells";

    private CellsModule() {}
}
