package dev.cairn.store.sqlite;

/** Embedded event store on SQLite (WAL, group commit) with the derived tables that share its transactions. */
public final class SqliteStoreModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-store-sqlite";

    private SqliteStoreModule() {}
}
