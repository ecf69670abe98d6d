package dev.cairn.testkit;

import dev.cairn.machine.stores.EventStore;
import dev.cairn.testkit.contract.EventStoreContract;
import java.util.Optional;

/** The reference store keeps the event-store contract. */
class InMemoryEventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore createStore() {
        return new InMemoryEventStore();
    }

    /** Not persistent: its events live in this JVM's heap and go with the instance. */
    @Override
    protected Optional<EventStore> reopen(EventStore store) {
        return Optional.empty();
    }
}
