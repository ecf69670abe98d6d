package dev.cairn.store.sqlite;

/** Turns one {@link Row} into a value; must not keep the row. */
@FunctionalInterface
public interface RowMapper<T> {

    T map(Row row);
}
