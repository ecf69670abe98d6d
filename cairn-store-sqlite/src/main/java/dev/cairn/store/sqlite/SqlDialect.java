package dev.cairn.store.sqlite;

/**
 * What differs between the SQL databases Cairn stores events in, kept to the few points callers
 * need. SQLite is the one here; PostgreSQL will be the second, with the same {@link SqlReader} and
 * {@link SqlTransaction} on top (these interfaces then move to a module both share).
 */
public interface SqlDialect {

    /** The dialect's name, as used in paths: {@code sqlite}, {@code postgresql}. */
    String name();

    /**
     * The Flyway location of {@code module}'s migrations for this dialect: {@code
     * classpath:db/<dialect>/<module>}, holding {@code V1__….sql}, {@code V2__….sql}, ….
     */
    default String migrationLocation(String module) {
        return "classpath:db/" + name() + "/" + module;
    }

    /**
     * The table recording which of {@code module}'s migrations were applied. Each module has its
     * own, so modules number their migrations independently.
     */
    default String historyTable(String module) {
        return "schema_history_" + module;
    }
}
