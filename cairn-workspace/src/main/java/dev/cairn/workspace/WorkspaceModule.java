package dev.cairn.workspace;

/** Content-addressed workspaces: Merkle trees of files in the artifact store, snapshots, materialization, the action cache. */
public final class WorkspaceModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-workspace";

    private WorkspaceModule() {}
}
