package dev.cairn.store.fs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open an {@link FsArtifactStore}. Build with {@link #builder(Path)}.
 *
 * @param root the store's directory; created when absent
 * @param maxDeferred how many deferred blobs may wait for {@code sync()} before a {@code
 *     putDeferred} syncs them itself (bounds the temporary files and the work of one sync)
 * @param syncParallelism how many deferred blobs one {@code sync()} flushes at the same time;
 *     flushes issued together share the filesystem journal's commits
 * @param journalBytes how many bytes of small deferred blobs the store's journal holds before a
 *     {@code sync()} writes them out as files (a checkpoint); {@code 0} turns the journal off, so
 *     that every deferred blob is a file flushed by the {@code sync()} that makes it durable
 * @param presenceWindow how long after writing or touching a blob's file (durably) the store answers
 *     {@code exists} and a put of the same bytes from memory instead of asking the filesystem (and
 *     touching the file again); a collector's grace period must be longer (its default is one hour).
 *     {@link Duration#ZERO} always asks
 */
public record FsStoreOptions(
        Path root, int maxDeferred, int syncParallelism, long journalBytes, Duration presenceWindow) {

    /** Default {@link #maxDeferred}. */
    public static final int DEFAULT_MAX_DEFERRED = 4096;

    /** Default {@link #syncParallelism}. */
    public static final int DEFAULT_SYNC_PARALLELISM = 32;

    /** Default {@link #journalBytes}: 16 MiB. */
    public static final long DEFAULT_JOURNAL_BYTES = 16L << 20;

    /** Default {@link #presenceWindow}: 5 seconds. */
    public static final Duration DEFAULT_PRESENCE_WINDOW = Duration.ofSeconds(5);

    public FsStoreOptions {
        Objects.requireNonNull(root, "root");
        if (maxDeferred < 1) {
            throw new IllegalArgumentException("max_deferred must be at least 1, got " + maxDeferred);
        }
        if (syncParallelism < 1) {
            throw new IllegalArgumentException("sync_parallelism must be at least 1, got " + syncParallelism);
        }
        if (journalBytes < 0) {
            throw new IllegalArgumentException("journal_bytes must be at least 0, got " + journalBytes);
        }
        Objects.requireNonNull(presenceWindow, "presence_window");
        if (presenceWindow.isNegative()) {
            throw new IllegalArgumentException("presence_window must not be negative, got " + presenceWindow);
        }
    }

    /** Options for a store at {@code root} with the defaults. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Builds {@link FsStoreOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final Path root;
        private int maxDeferred = DEFAULT_MAX_DEFERRED;
        private int syncParallelism = DEFAULT_SYNC_PARALLELISM;
        private long journalBytes = DEFAULT_JOURNAL_BYTES;
        private Duration presenceWindow = DEFAULT_PRESENCE_WINDOW;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder maxDeferred(int maxDeferred) {
            this.maxDeferred = maxDeferred;
            return this;
        }

        public Builder syncParallelism(int syncParallelism) {
            this.syncParallelism = syncParallelism;
            return this;
        }

        public Builder journalBytes(long journalBytes) {
            this.journalBytes = journalBytes;
            return this;
        }

        public Builder presenceWindow(Duration presenceWindow) {
            this.presenceWindow = presenceWindow;
            return this;
        }

        public FsStoreOptions build() {
            return new FsStoreOptions(root, maxDeferred, syncParallelism, journalBytes, presenceWindow);
        }
    }
}
