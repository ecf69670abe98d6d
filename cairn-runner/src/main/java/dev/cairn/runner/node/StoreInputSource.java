package dev.cairn.runner.node;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.InputSource;
import dev.cairn.runner.api.MaterializedInput;
import dev.cairn.runner.api.RunnerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@link InputSource} over a content-addressed {@link ArtifactStore}: a CID is an artifact id
 * (64 lowercase hex characters, the SHA-256 of the bytes), and every read is verified against it
 * by the store.
 *
 * <p>{@link #materialize(String)} streams the artifact into the task's {@link TaskScratch}, so large
 * inputs never sit in memory; the files are deleted when the input is closed and, at the latest,
 * when the task ends. Failures: {@code invalid_cid}, {@code input_not_found}, {@code input_corrupt},
 * {@code input_unavailable} (retryable), {@code local_io}.
 */
public final class StoreInputSource implements InputSource {

    private final ArtifactStore store;
    private final TaskScratch scratch;

    public StoreInputSource(ArtifactStore store, TaskScratch scratch) {
        this.store = Objects.requireNonNull(store, "store");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
    }

    /** The node's artifact store the inputs come from (the command executor's workspaces use it too). */
    public ArtifactStore store() {
        return store;
    }

    @Override
    public byte[] getBytesByCid(String cid) {
        ArtifactId id = idOf(cid);
        try {
            return store.get(id);
        } catch (StorageException e) {
            throw fetchFailed(cid, e);
        }
    }

    @Override
    public InputStream openStream(String cid) {
        ArtifactId id = idOf(cid);
        try {
            return store.openStream(id);
        } catch (StorageException e) {
            throw fetchFailed(cid, e);
        }
    }

    @Override
    public MaterializedInput materialize(String cid) {
        ArtifactId id = idOf(cid);
        Path dir = scratch.newDirectory("input");
        Path file = dir.resolve("cid-" + id.value());
        MaterializedInput input = MaterializedInput.temporary(cid, file);
        try {
            copy(cid, id, file);
            return input;
        } catch (RuntimeException e) {
            try {
                input.close();
            } catch (RunnerException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Streams artifact {@code cid} to {@code target} (created; it must not exist), verified by the
     * store. Read failures are the input's ({@code input_*}); write failures are {@code local_io}.
     */
    public void copyTo(String cid, Path target) {
        copy(cid, idOf(cid), target);
    }

    private void copy(String cid, ArtifactId id, Path target) {
        InputStream in;
        try {
            in = store.openStream(id);
        } catch (StorageException e) {
            throw fetchFailed(cid, e);
        }
        write(cid, in, target);
    }

    /**
     * Streams input {@code cid} of {@code source} to {@code target} (created; it must not exist).
     * Read failures are the input's ({@code input_*}, or {@code cancelled} on interrupt); write
     * failures are {@code local_io}.
     */
    public static void copy(InputSource source, String cid, Path target) {
        if (source instanceof StoreInputSource store) {
            store.copyTo(cid, target);
        } else {
            write(cid, source.openStream(cid), target);
        }
    }

    private static void write(String cid, InputStream source, Path target) {
        try (InputStream in = source;
                OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (InterruptedIOException e) {
                    Thread.currentThread().interrupt();
                    throw RunnerException.cancelled(cid);
                } catch (IOException e) {
                    throw readFailed(cid, e);
                }
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw RunnerException.localIo("cannot write input " + cid + " to " + target, e);
        }
    }

    private static ArtifactId idOf(String cid) {
        if (cid == null || !ArtifactIds.isValid(cid)) {
            throw new RunnerException(
                    "invalid_cid",
                    "`" + cid + "` is not a content id of this node's artifact store",
                    false,
                    "Inputs are artifact ids: 64 lowercase hex characters, the SHA-256 of the content.",
                    null);
        }
        return new ArtifactId(cid);
    }

    /** The runner-facing error for a failed fetch of {@code cid}. */
    static RunnerException fetchFailed(String cid, StorageException e) {
        return switch (e.error()) {
            case StorageError.NotFound n -> RunnerException.inputNotFound(cid);
            case StorageError.Corruption c ->
                new RunnerException(
                        "input_corrupt",
                        "input " + cid + " is corrupt: " + e.getMessage(),
                        false,
                        "Restore the artifact in the store; the task cannot use it as it is.",
                        e);
            case StorageError.Concurrency c -> RunnerException.inputUnavailable(cid, e);
            case StorageError.Other o ->
                e.retryable()
                        ? RunnerException.inputUnavailable(cid, e)
                        : new RunnerException(
                                e.code(), "cannot fetch input " + cid + ": " + e.getMessage(), false, e.hint(), e);
        };
    }

    private static RunnerException readFailed(String cid, IOException e) {
        if (e.getCause() instanceof StorageException storage) {
            return fetchFailed(cid, storage);
        }
        return RunnerException.inputUnavailable(cid, e);
    }
}
