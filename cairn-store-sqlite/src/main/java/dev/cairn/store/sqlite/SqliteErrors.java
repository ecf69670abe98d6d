package dev.cairn.store.sqlite;

import dev.cairn.json.JsonException;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.RunId;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The failures of the SQLite store beyond {@link StorageException}'s own factories. They are
 * {@link StorageException}s too, so a caller of the port catches one type.
 */
final class SqliteErrors {

    /** Another process has the database open. */
    static final String CODE_STORE_LOCKED = "store_locked";
    /** The database was written by a newer Cairn, or is not a Cairn store. */
    static final String CODE_STORE_INCOMPATIBLE = "store_incompatible";
    /** The database is closed. */
    static final String CODE_STORE_CLOSED = "store_closed";
    /** A stored event cannot be decoded. */
    static final String CODE_EVENT_CORRUPT = "event_corrupt";
    /** SQLite reports the database file as damaged. */
    static final String CODE_DATABASE_CORRUPT = "database_corrupt";
    /** A statement broke a constraint (unique key, check, not null). */
    static final String CODE_CONSTRAINT_VIOLATION = "constraint_violation";
    /** A statement failed for a reason of its own (syntax, misuse). */
    static final String CODE_SQL_FAILED = "sql_failed";

    private SqliteErrors() {}

    static StorageException locked(Path file, String holder) {
        return other(
                CODE_STORE_LOCKED,
                false,
                "the event store " + file + " is open in another process (" + holder + ")",
                "One process owns an embedded store: stop the other one, or talk to it (its server API) instead.",
                null);
    }

    static StorageException incompatible(Path file, String problem, String hint) {
        return other(
                CODE_STORE_INCOMPATIBLE, false, "cannot open the event store " + file + ": " + problem, hint, null);
    }

    static StorageException closed(Path file) {
        return other(
                CODE_STORE_CLOSED,
                false,
                "the event store " + file + " is closed",
                "Open the store again; a closed store keeps its data on disk.",
                null);
    }

    static StorageException eventCorrupt(RunId runId, long seq, JsonException cause) {
        return new StorageException(
                new StorageError.Corruption(ErrorInfo.of(
                        CODE_EVENT_CORRUPT,
                        ErrorCategory.STORAGE,
                        false,
                        "event " + seq + " of run " + runId + " cannot be decoded: " + cause.getMessage())),
                "Restore the database from a backup; the stored event is not one this Cairn can read.",
                cause);
    }

    /** {@code cause}, from doing {@code what}, as the {@link StorageException} its result code calls for. */
    static StorageException translate(String what, SQLException cause) {
        int primary = cause.getErrorCode() & 0xff;
        String message = what + " failed: " + cause.getMessage();
        return switch (primary) {
            case 5, 6, 7, 8, 10, 13, 14, 15 -> // busy, locked, nomem, readonly, ioerr, full, cantopen, protocol
                StorageException.unavailable(message, cause);
            case 11, 26 ->
                new StorageException( // corrupt, notadb
                        new StorageError.Corruption(
                                ErrorInfo.of(CODE_DATABASE_CORRUPT, ErrorCategory.STORAGE, false, message)),
                        "Restore the database from a backup; SQLite reports the file as damaged.",
                        cause);
            case 19 ->
                other(
                        CODE_CONSTRAINT_VIOLATION,
                        false,
                        message,
                        "The change conflicts with a key or check of the table; read the current rows and decide.",
                        cause);
            default -> other(CODE_SQL_FAILED, false, message, "Check the statement and its arguments.", cause);
        };
    }

    private static StorageException other(
            String code, boolean retryable, String message, String hint, Throwable cause) {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(code, ErrorCategory.STORAGE, retryable, message)), hint, cause);
    }
}
