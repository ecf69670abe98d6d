package dev.cairn.machine.runtime;

class InMemoryFanOutContractTest extends FanOutContractTest {

    @Override
    protected StoresFactory stores() {
        return InMemoryStores.FACTORY;
    }
}
