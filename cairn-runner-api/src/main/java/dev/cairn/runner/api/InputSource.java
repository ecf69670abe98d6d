package dev.cairn.runner.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a task's inputs come from: objects in domain storage, addressed by content id (CID).
 *
 * <p>Only {@link #getBytesByCid(String)} must be implemented, so a lambda is an input source. Large
 * objects should also override {@link #openStream(String)} so that {@link #materialize(String)}
 * streams them to disk instead of holding them in memory. Implementations are thread-safe.
 *
 * <p>Mapping to the seed: {@code get_bytes_by_cid} is {@code getBytesByCid}; {@code
 * materialize_cid_to_temp} and {@code materialize_cid_with_meta} are {@link #materialize(String)},
 * whose result owns its temporary files and deletes them when closed.
 */
@FunctionalInterface
public interface InputSource {

    /**
     * The bytes stored under {@code cid}. Fails with {@code input_not_found} if nothing is stored
     * there, or {@code input_unavailable} (retryable) if storage cannot be reached.
     */
    byte[] getBytesByCid(String cid) throws RunnerException;

    /** The bytes under {@code cid} as a stream; the caller closes it. Default: over {@link #getBytesByCid}. */
    default InputStream openStream(String cid) throws RunnerException {
        return new ByteArrayInputStream(getBytesByCid(cid));
    }

    /**
     * Copies the object under {@code cid} into a new temporary directory and returns it; {@link
     * MaterializedInput#close()} deletes the file and the directory. Use with try-with-resources.
     * Overrides may add metadata (name, data type) and related files.
     */
    default MaterializedInput materialize(String cid) throws RunnerException {
        Checks.required(cid, "cid");
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-input-");
        } catch (IOException e) {
            throw RunnerException.localIo("cannot create a temporary directory for input " + cid, e);
        }
        Path file = dir.resolve(InputFiles.fileNameFor(cid));
        MaterializedInput input = MaterializedInput.temporary(cid, file);
        try (InputStream in = openStream(cid)) {
            Files.copy(in, file);
            return input;
        } catch (IOException e) {
            closeQuietly(input, e);
            throw RunnerException.localIo("cannot write input " + cid + " to " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(input, e);
            throw e;
        }
    }

    /**
     * Materializes every CID, in order. If one fails, those already written are deleted and the
     * failure is thrown.
     */
    default MaterializedInputs materializeAll(List<String> cids) throws RunnerException {
        List<MaterializedInput> done = new ArrayList<>();
        try {
            for (String cid : Checks.required(cids, "cids")) {
                done.add(materialize(cid));
            }
            return new MaterializedInputs(done);
        } catch (RuntimeException e) {
            for (MaterializedInput input : done) {
                closeQuietly(input, e);
            }
            throw e;
        }
    }

    private static void closeQuietly(MaterializedInput input, Throwable primary) {
        try {
            input.close();
        } catch (RunnerException cleanup) {
            primary.addSuppressed(cleanup);
        }
    }
}
