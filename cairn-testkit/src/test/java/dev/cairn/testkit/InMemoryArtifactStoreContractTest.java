package dev.cairn.testkit;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.testkit.contract.ArtifactStoreContract;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The reference store keeps the artifact-store contract. */
class InMemoryArtifactStoreContractTest extends ArtifactStoreContract {

    @Override
    protected ArtifactStore createStore() {
        return new InMemoryArtifactStore();
    }

    /** Not persistent: its blobs live in this JVM's heap and go with the instance. */
    @Override
    protected Optional<ArtifactStore> reopen(ArtifactStore store) {
        return Optional.empty();
    }

    /**
     * Cannot be damaged: the blobs are copied in and out of a private map, out of reach of anything
     * but the store itself.
     */
    @Override
    protected boolean damageStoredBytes(ArtifactStore store, ArtifactId id, UnaryOperator<byte[]> damage) {
        return false;
    }
}
