package dev.cairn.testkit;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ArtifactStore} in memory, content-addressed by SHA-256 like every other store. */
public final class InMemoryArtifactStore implements ArtifactStore {

    private final Map<ArtifactId, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public ArtifactId put(ArtifactKind kind, byte[] bytes) {
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
        blobs.putIfAbsent(id, bytes.clone());
        return id;
    }

    @Override
    public byte[] get(ArtifactId id) {
        byte[] bytes = blobs.get(id);
        if (bytes == null) {
            throw StorageException.artifactNotFound(id);
        }
        return bytes.clone();
    }

    @Override
    public boolean exists(ArtifactId id) {
        return blobs.containsKey(id);
    }

    @Override
    public long size(ArtifactId id) {
        byte[] bytes = blobs.get(id);
        if (bytes == null) {
            throw StorageException.artifactNotFound(id);
        }
        return bytes.length;
    }

    /** How many distinct blobs are stored. */
    public int size() {
        return blobs.size();
    }
}
