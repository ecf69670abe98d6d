package dev.cairn.store.fs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open an {@link FsArtifactStore}. Build with {@link #builder(Path)}.
 *
 * @param root the store's directory; created when absent
 * @param maxDeferred how many deferred blobs may wait for {@code sync()} before a {@code
 *     putDeferred} syncs them itself (bounds the temporary files and the work of one sync)
 * @param syncParallelism how many deferred blobs one {@code sync()} flushes at the same time;
 *     flushes issued together share the filesystem journal's commits
 */
public record FsStoreOptions(Path root, int maxDeferred, int syncParallelism) {

    /** Default {@link #maxDeferred}. */
    public static final int DEFAULT_MAX_DEFERRED = 4096;

    /** Default {@link #syncParallelism}. */
    public static final int DEFAULT_SYNC_PARALLELISM = 32;

    public FsStoreOptions {
        Objects.requireNonNull(root, "root");
        if (maxDeferred < 1) {
            throw new IllegalArgumentException("max_deferred must be at least 1, got " + maxDeferred);
        }
        if (syncParallelism < 1) {
            throw new IllegalArgumentException("sync_parallelism must be at least 1, got " + syncParallelism);
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

        public FsStoreOptions build() {
            return new FsStoreOptions(root, maxDeferred, syncParallelism);
        }
    }
}
