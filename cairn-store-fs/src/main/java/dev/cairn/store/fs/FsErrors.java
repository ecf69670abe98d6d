package dev.cairn.store.fs;

import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import java.nio.file.Path;

/**
 * The failures of the filesystem store beyond {@link StorageException}'s own factories. They are
 * {@link StorageException}s too, so a caller of the port catches one type.
 */
final class FsErrors {

    /** The store was closed; nothing more can be read or written through it. */
    static final String CODE_STORE_CLOSED = "store_closed";
    /** The directory is not an artifact store this Cairn can use. */
    static final String CODE_STORE_LAYOUT = "artifact_store_layout";
    /** An artifact is too large to be returned as one array; stream it. */
    static final String CODE_ARTIFACT_TOO_LARGE = "artifact_too_large";

    private FsErrors() {}

    static StorageException closed(Path root) {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        CODE_STORE_CLOSED,
                        ErrorCategory.STORAGE,
                        false,
                        "the artifact store at " + root + " is closed")),
                "Open the store again; a closed store keeps its blobs on disk.",
                null);
    }

    static StorageException layout(Path root, String problem, String hint) {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        CODE_STORE_LAYOUT,
                        ErrorCategory.STORAGE,
                        false,
                        "cannot open the artifact store at " + root + ": " + problem)),
                hint,
                null);
    }

    static StorageException tooLarge(ArtifactId id, long size) {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        CODE_ARTIFACT_TOO_LARGE,
                        ErrorCategory.STORAGE,
                        false,
                        "artifact " + id + " has " + size + " bytes, more than one array can hold")),
                "Read it with openStream(id).",
                null);
    }

    static StorageException io(String what, Path path, Exception cause) {
        return StorageException.unavailable(what + " " + path + " failed: " + cause, cause);
    }
}
