package dev.cairn.store.fs;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.testkit.contract.ArtifactStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;

/** The filesystem store keeps the artifact-store contract, on a real directory with real fsyncs. */
class FsArtifactStoreContractTest extends ArtifactStoreContract {

    @TempDir
    Path dir;

    @Override
    protected ArtifactStore createStore() {
        return FsArtifactStore.open(dir.resolve("artifacts"));
    }

    @Override
    protected Optional<ArtifactStore> reopen(ArtifactStore store) {
        FsArtifactStore fs = (FsArtifactStore) store;
        fs.close();
        return Optional.of(FsArtifactStore.open(fs.root()));
    }

    /** Rewrites the blob's file in place, as bit rot or a torn copy would. */
    @Override
    protected boolean damageStoredBytes(ArtifactStore store, ArtifactId id, UnaryOperator<byte[]> damage)
            throws IOException {
        Path file = ((FsArtifactStore) store).pathOf(id);
        Files.write(file, damage.apply(Files.readAllBytes(file)));
        return true;
    }
}
