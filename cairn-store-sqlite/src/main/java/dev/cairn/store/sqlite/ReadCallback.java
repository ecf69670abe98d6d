package dev.cairn.store.sqlite;

/** Work done in one read transaction: everything it reads comes from one consistent snapshot. */
@FunctionalInterface
public interface ReadCallback<T> {

    T read(SqlReader reader);
}
