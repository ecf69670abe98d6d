package dev.cairn.workspace;

import java.util.List;

/** Content-addressed workspaces: Merkle trees of files in the artifact store, snapshots, materialization, the action cache. */
public final class WorkspaceModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-workspace";

    /** Names of the JSON Schemas this module ships under {@code META-INF/cairn/schemas/}. */
    public static final List<String> SCHEMAS = List.of("CacheEntry", "CacheKeyPreimage", "WorkspaceTree");

    private WorkspaceModule() {}
}
