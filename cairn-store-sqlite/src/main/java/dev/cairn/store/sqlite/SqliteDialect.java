package dev.cairn.store.sqlite;

/** SQLite: migrations at {@code classpath:db/sqlite/<module>}. */
final class SqliteDialect implements SqlDialect {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String toString() {
        return "SqlDialect[sqlite]";
    }
}
