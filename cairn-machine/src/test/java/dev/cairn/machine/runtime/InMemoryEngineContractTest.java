package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.Stores;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.InMemoryEventStore;

class InMemoryEngineContractTest extends EngineContractTest {

    @Override
    protected StoresFactory stores() {
        return InMemoryStores.FACTORY;
    }
}

/** The in-memory stores of {@code cairn-testkit}. */
final class InMemoryStores {
    static final StoresFactory FACTORY = () -> new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());

    private InMemoryStores() {}
}
