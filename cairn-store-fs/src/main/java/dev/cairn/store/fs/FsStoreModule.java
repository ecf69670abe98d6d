package dev.cairn.store.fs;

/** Content-addressed artifact store on the local filesystem (sharded, fsynced, verified on read). */
public final class FsStoreModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-store-fs";

    private FsStoreModule() {}
}
