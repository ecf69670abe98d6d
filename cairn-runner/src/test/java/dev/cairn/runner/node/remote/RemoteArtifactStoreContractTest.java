package dev.cairn.runner.node.remote;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.contract.ArtifactStoreContract;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The HTTP artifact store keeps the artifact-store contract, against a real server over loopback. */
class RemoteArtifactStoreContractTest extends ArtifactStoreContract {

    private CairnServerFixture server;

    @Override
    protected ArtifactStore createStore() {
        server = new CairnServerFixture(new InMemoryLeaseService(Duration.ofSeconds(30)), new InMemoryArtifactStore())
                .runnerToken("runner-secret");
        return client();
    }

    private RemoteArtifactStore client() {
        return RemoteArtifactStore.create(
                RemoteClientOptions.builder(server.uri()).token("runner-secret").build());
    }

    /** The data lives on the server: a new client sees it. */
    @Override
    protected Optional<ArtifactStore> reopen(ArtifactStore store) {
        return Optional.of(client());
    }

    /** The server serves the blob damaged (its headers still name the right id). */
    @Override
    protected boolean damageStoredBytes(ArtifactStore store, ArtifactId id, UnaryOperator<byte[]> damage) {
        server.tamper(id, damage);
        return true;
    }

    @Override
    protected void closeStore(ArtifactStore store) {
        ((RemoteArtifactStore) store).close();
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
