package dev.cairn.runner.node;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.ArtifactSink;
import dev.cairn.runner.api.MultipartUpload;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.workspace.MediaTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ArtifactSink} over a content-addressed {@link ArtifactStore}: each artifact is stored
 * as kind {@code Output} and recorded as an {@link OutputArtifact} (the key the runner gave, the
 * artifact id, a media type from the key's extension, the size) for the task's completion.
 *
 * <p>The content store has no paths, so the task's {@code outputs_prefix} plays no part: keys are
 * exactly what the runner passed. Writing a key again replaces its record (the earlier bytes stay
 * in the store, unreferenced). Files and multipart uploads stream: a multipart upload is spooled to
 * the task's scratch space and stored when finished, so nothing is held in memory whole.
 *
 * <p>An upload the store cannot take right now (a retryable {@link StorageException}: the server
 * is down, answers 503) is sent again with backoff for as long as the task's {@link UploadRetry}
 * allows, i.e. while its lease may still be valid; a file is re-read from its start for each
 * attempt. When that time is up the runner gets {@code upload_failed} (retryable).
 *
 * <p>Given {@link InlineOutputs}, a small output (bytes, a small file, a small finished multipart
 * upload) is hashed and held there instead of being stored: the node sends its bytes with the
 * task's completion. Thread-safe.
 */
public final class StoreArtifactSink implements ArtifactSink {

    private final ArtifactStore store;
    private final TaskScratch scratch;
    private final UploadRetry retry;
    private final InlineOutputs inline;
    private final Map<String, OutputArtifact> outputs = new LinkedHashMap<>();

    /** A sink that retries no more than the store itself does. */
    public StoreArtifactSink(ArtifactStore store, TaskScratch scratch) {
        this(store, scratch, UploadRetry.none());
    }

    StoreArtifactSink(ArtifactStore store, TaskScratch scratch, UploadRetry retry) {
        this(store, scratch, retry, null);
    }

    /** A sink that holds small outputs in {@code inline} (when not {@code null}) instead of storing them. */
    StoreArtifactSink(ArtifactStore store, TaskScratch scratch, UploadRetry retry, InlineOutputs inline) {
        this.store = Objects.requireNonNull(store, "store");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.inline = inline;
    }

    @Override
    public void putBytes(String relPath, byte[] bytes) {
        String key = ArtifactSink.requireRelativePath(relPath);
        Objects.requireNonNull(bytes, "bytes");
        Optional<String> held = inline == null ? Optional.empty() : inline.hold(bytes);
        if (held.isPresent()) {
            record(key, new ArtifactId(held.get()), bytes.length);
            return;
        }
        ArtifactId id = withRetries(key, () -> store.put(new ArtifactKind.Output(), bytes));
        record(key, id, bytes.length);
    }

    @Override
    public void putFile(String relPath, Path file) {
        store(ArtifactSink.requireRelativePath(relPath), Objects.requireNonNull(file, "file"));
    }

    /** Stores {@code file} under {@code key} and returns its record. */
    public OutputArtifact store(String key, Path file) {
        ArtifactSink.requireRelativePath(key);
        Optional<OutputArtifact> held = holdSmall(key, file);
        if (held.isPresent()) {
            return held.get();
        }
        long[] size = {0};
        ArtifactId id = withRetries(key, () -> {
            CountingInputStream counted;
            try {
                counted = new CountingInputStream(Files.newInputStream(file));
            } catch (NoSuchFileException e) {
                throw new RunnerException(
                        "output_not_found", "cannot upload " + key + ": no file " + file, false, "", e);
            } catch (IOException e) {
                throw RunnerException.uploadFailed(key, e);
            }
            try (counted) {
                ArtifactId stored = store.putStream(new ArtifactKind.Output(), counted);
                size[0] = counted.count;
                return stored;
            } catch (IOException e) {
                throw RunnerException.uploadFailed(key, e);
            }
        });
        return record(key, id, size[0]);
    }

    /** Holds {@code file} inline when it is small enough; empty when it must be stored (or cannot be read here). */
    private Optional<OutputArtifact> holdSmall(String key, Path file) {
        if (inline == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            if (Files.size(file) > InlineOutput.MAX_BYTES) {
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return Optional.empty(); // the streaming path reports it
        }
        return inline.hold(bytes).map(id -> record(key, new ArtifactId(id), bytes.length));
    }

    /** One attempt at storing an artifact. */
    @FunctionalInterface
    private interface Attempt {
        ArtifactId store();
    }

    /** Runs {@code attempt} again while the store is unavailable and {@link #retry} allows it. */
    private ArtifactId withRetries(String key, Attempt attempt) {
        int failures = 0;
        while (true) {
            try {
                return attempt.store();
            } catch (StorageException e) {
                boolean again = e.retryable()
                        && !ErrorCodes.CODE_INTERRUPTED.equals(e.code())
                        && !Thread.currentThread().isInterrupted()
                        && retry.pause(failures);
                if (!again) {
                    throw failures == 0 ? storeFailed(key, e) : gaveUp(key, e, failures + 1);
                }
                failures++;
            }
        }
    }

    @Override
    public MultipartUpload openMultipart(String relPath) {
        String key = ArtifactSink.requireRelativePath(relPath);
        Path spool = scratch.newFile("upload");
        OutputStream out;
        try {
            out = Files.newOutputStream(spool);
        } catch (IOException e) {
            throw RunnerException.localIo("cannot spool upload " + key, e);
        }
        return new SpooledUpload(key, spool, out);
    }

    /** The artifacts stored so far, in the order their keys were first written. */
    public List<OutputArtifact> outputs() {
        synchronized (outputs) {
            return List.copyOf(outputs.values());
        }
    }

    private OutputArtifact record(String key, ArtifactId id, long size) {
        OutputArtifact artifact = new OutputArtifact(key, id.value(), MediaTypes.guess(key), size);
        synchronized (outputs) {
            outputs.put(key, artifact);
        }
        return artifact;
    }

    private static RunnerException gaveUp(String key, StorageException e, int attempts) {
        if (!e.retryable() || ErrorCodes.CODE_INTERRUPTED.equals(e.code())) {
            return storeFailed(key, e);
        }
        return new RunnerException(
                "upload_failed",
                "cannot upload artifact " + key + ": the store was still unavailable after " + attempts
                        + " attempts, when the task's lease may have run out: " + e.getMessage(),
                true,
                "Check that the Cairn server is running and reachable; the task is retried per its policy.",
                e);
    }

    private static RunnerException storeFailed(String key, StorageException e) {
        if (e.retryable()) {
            return RunnerException.uploadFailed(key, e);
        }
        return new RunnerException(
                e.code(), "cannot store artifact " + key + ": " + e.getMessage(), false, e.hint(), e);
    }

    private final class SpooledUpload implements MultipartUpload {
        private final String key;
        private final Path spool;
        private final OutputStream out;
        private String state;

        SpooledUpload(String key, Path spool, OutputStream out) {
            this.key = key;
            this.spool = spool;
            this.out = out;
        }

        @Override
        public void writeChunk(byte[] chunk) {
            Objects.requireNonNull(chunk, "chunk");
            requireOpen();
            try {
                out.write(chunk);
            } catch (IOException e) {
                abortQuietly();
                throw RunnerException.localIo("cannot spool upload " + key, e);
            }
        }

        @Override
        public void finish() {
            requireOpen();
            try {
                out.close();
            } catch (IOException e) {
                abortQuietly();
                throw RunnerException.localIo("cannot spool upload " + key, e);
            }
            state = "finished";
            try {
                store(key, spool);
            } finally {
                deleteQuietly();
            }
        }

        @Override
        public void abort() {
            if (state == null) {
                abortQuietly();
            }
        }

        private void requireOpen() {
            if (state != null) {
                throw RunnerException.uploadClosed(key, state);
            }
        }

        private void abortQuietly() {
            state = "aborted";
            try {
                out.close();
            } catch (IOException ignored) {
                // the spool file is deleted next
            }
            deleteQuietly();
        }

        private void deleteQuietly() {
            try {
                Files.deleteIfExists(spool);
            } catch (IOException ignored) {
                // the task's scratch directory is deleted when the task ends
            }
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
