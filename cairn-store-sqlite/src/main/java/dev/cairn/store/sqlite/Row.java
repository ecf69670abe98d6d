package dev.cairn.store.sqlite;

/**
 * One row of a query's result, valid only inside the {@link RowMapper} it is given to. Columns are
 * numbered from 1, in the order of the query's select list. Failures are {@link
 * dev.cairn.machine.errors.StorageException}s.
 */
public interface Row {

    /** The column as an integer; 0 when it is SQL {@code NULL} (check {@link #isNull} first). */
    long getLong(int column);

    /** The column as text, or {@code null} when it is SQL {@code NULL}. */
    String getString(int column);

    /** The column as bytes (text columns give their UTF-8 bytes), or {@code null} when SQL {@code NULL}. */
    byte[] getBytes(int column);

    /** Whether the column is SQL {@code NULL}. */
    boolean isNull(int column);
}
