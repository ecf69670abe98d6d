package dev.cairn.machine.runtime;

class InMemoryReplayContractTest extends ReplayContractTest {

    @Override
    protected StoresFactory stores() {
        return InMemoryStores.FACTORY;
    }
}
