package dev.cairn.runner.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.contract.ArtifactStoreContract;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

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

    /**
     * The JDK's client pulls a request body in the calling thread on a pooled connection and in its
     * own threads otherwise, so the contract's interrupted put meets either; the interrupt must read
     * as the caller's in both (it was once reported as {@code artifact_stream_failed} when the read
     * that the interrupt ended was the caller's own). Which case a put meets is the client's choice:
     * 3 of these 20 stalled reads were the caller's with the client's default executor, and few or
     * none are since its executor runs virtual threads, so this test guards the case only on the
     * runs that meet it (the count of reads in the caller's thread is printed).
     */
    @Test
    void anInterruptedStreamedPutIsAnInterruptInWhicheverThreadTheBodyIsRead() throws Exception {
        ArtifactStore store = createStore();
        try {
            AtomicInteger inCaller = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                CountDownLatch stalled = new CountDownLatch(1);
                AtomicReference<Thread> putterThread = new AtomicReference<>();
                byte[] head = new byte[64 * 1024 + i];
                InputStream stalls = stallingAfter(head, () -> {
                    if (Thread.currentThread() == putterThread.get()) {
                        inCaller.incrementAndGet();
                    }
                    stalled.countDown();
                });
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                AtomicBoolean flagAfter = new AtomicBoolean();
                Thread putter = Thread.ofVirtual().unstarted(() -> {
                    try {
                        store.putStream(new ArtifactKind.Output(), stalls);
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                    flagAfter.set(Thread.currentThread().isInterrupted());
                });
                putterThread.set(putter);
                putter.start();
                stalled.await();
                putter.interrupt();
                putter.join();

                assertThat(thrown.get()).as("put %d", i).isInstanceOfSatisfying(StorageException.class, e -> assertThat(
                                e.code())
                        .isEqualTo(ErrorCodes.CODE_INTERRUPTED));
                assertThat(flagAfter).as("interrupt flag after put %d", i).isTrue();
            }
            System.out.println("stalled reads in the calling thread: " + inCaller.get() + " of 20");
        } finally {
            closeStore(store);
        }
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
