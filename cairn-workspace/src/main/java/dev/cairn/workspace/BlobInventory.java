package dev.cairn.workspace;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.store.fs.FsArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * What the garbage collector and the snapshots need from an artifact store beyond {@link
 * dev.cairn.machine.stores.ArtifactStore}: list its blobs, mark one as in use, delete one that has
 * not been used since a cut-off. {@link #of(FsArtifactStore)} is the filesystem store's.
 *
 * <p>The contract that makes collection safe: {@link #freshen} returns {@code true} only if the blob
 * is stored and now counts as modified at the current time; {@link #deleteIfNotModifiedSince} never
 * deletes a blob freshened at or after the cut-off, whatever the interleaving.
 */
public interface BlobInventory {

    /** A stored blob: its id, size and last modification (write or freshen). */
    record Blob(ArtifactId id, long sizeBytes, Instant lastModified) {
        public Blob {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(lastModified, "last_modified");
        }
    }

    /** Names the store, so that what a {@link StatCache} knows of one store is not used for another. */
    String identity();

    /** Calls {@code visitor} for every stored blob (durable ones; those being written may be left out). */
    void forEach(Consumer<Blob> visitor);

    /** Marks blob {@code id} as used now; {@code false} when it is not stored (put it again). */
    boolean freshen(ArtifactId id);

    /** Deletes blob {@code id} unless it was modified at or after {@code cutoff}; whether it did. */
    boolean deleteIfNotModifiedSince(ArtifactId id, Instant cutoff);

    /** The size of blob {@code id} when the inventory can tell it without reading the blob. */
    OptionalLong sizeOf(ArtifactId id);

    /** The inventory of a filesystem store. */
    static BlobInventory of(FsArtifactStore store) {
        Objects.requireNonNull(store, "store");
        String identity = "fs:" + store.root();
        return new BlobInventory() {
            @Override
            public String identity() {
                return identity;
            }

            @Override
            public void forEach(Consumer<Blob> visitor) {
                store.forEachBlob(b -> visitor.accept(new Blob(b.id(), b.sizeBytes(), b.lastModified())));
            }

            @Override
            public boolean freshen(ArtifactId id) {
                return store.touch(id);
            }

            @Override
            public boolean deleteIfNotModifiedSince(ArtifactId id, Instant cutoff) {
                return store.deleteIfNotModifiedSince(id, cutoff);
            }

            @Override
            public OptionalLong sizeOf(ArtifactId id) {
                try {
                    return OptionalLong.of(Files.size(store.pathOf(id)));
                } catch (IOException e) {
                    return OptionalLong.empty(); // not durable yet, or not stored: the caller reads it
                }
            }

            @Override
            public String toString() {
                return "BlobInventory[" + identity + "]";
            }
        };
    }
}
