package dev.cairn.workspace;

import dev.cairn.store.fs.FsArtifactStore;

/**
 * An artifact store whose workspace blobs (snapshot files and trees) live in a file store of its
 * own, while it keeps other blobs elsewhere too (a Cairn home's store: files, plus small deferred
 * blobs in its database). Workspaces on such a store are opened on {@link #files()}: snapshots write
 * files there and touch them there, which is what a collector of that store sees.
 */
public interface FileBackedStore {

    /** The file store that holds the workspace blobs. */
    FsArtifactStore files();
}
