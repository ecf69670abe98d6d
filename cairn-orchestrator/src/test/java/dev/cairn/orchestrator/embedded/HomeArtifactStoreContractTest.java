package dev.cairn.orchestrator.embedded;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.contract.ArtifactStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;

/** The home's store (files plus the database's blob table) keeps the artifact-store contract. */
class HomeArtifactStoreContractTest extends ArtifactStoreContract {

    @TempDir
    Path dir;

    private SqliteDatabase db;

    @Override
    protected ArtifactStore createStore() {
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db")).build());
        return HomeArtifactStore.open(db, dir.resolve("artifacts"));
    }

    @Override
    protected Optional<ArtifactStore> reopen(ArtifactStore store) {
        closeBoth(store);
        return Optional.of(createStore());
    }

    @Override
    protected void closeStore(ArtifactStore store) {
        closeBoth(store);
    }

    private void closeBoth(ArtifactStore store) {
        try {
            ((HomeArtifactStore) store).close();
        } finally {
            db.close();
        }
    }

    /** The contract damages what {@code put} stored: a file (the table's rows are damaged in HomeArtifactStoreTest). */
    @Override
    protected boolean damageStoredBytes(ArtifactStore store, ArtifactId id, UnaryOperator<byte[]> damage)
            throws Exception {
        Path file = ((HomeArtifactStore) store).files().pathOf(id);
        Files.write(file, damage.apply(Files.readAllBytes(file)));
        return true;
    }
}
