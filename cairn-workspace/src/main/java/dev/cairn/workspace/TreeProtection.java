package dev.cairn.workspace;

/**
 * Whether the blobs of a tree being materialized are safe from garbage collection until the
 * workspace's next snapshot is committed (see {@code docs/workspaces.md}, "Collection").
 */
public enum TreeProtection {
    /**
     * Nothing is promised: the next snapshot touches every blob it reuses, so that a collector
     * running meanwhile keeps them. The safe default.
     */
    UNPROTECTED,
    /**
     * The caller holds a pin on the tree (or it is reachable from a cache entry that cannot be
     * removed meanwhile) until the snapshot taken from this directory is committed or pinned in turn.
     * The next snapshot then trusts the tree's blobs without touching them.
     */
    PINNED
}
