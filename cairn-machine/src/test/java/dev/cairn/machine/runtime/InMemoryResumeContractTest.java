package dev.cairn.machine.runtime;

class InMemoryResumeContractTest extends ResumeContractTest {

    @Override
    protected StoresFactory stores() {
        return InMemoryStores.FACTORY;
    }
}
