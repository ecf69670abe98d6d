package dev.cairn.node;

/** A whole Cairn in one process over one home directory. */
public final class NodeModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-node";

    private NodeModule() {}
}
