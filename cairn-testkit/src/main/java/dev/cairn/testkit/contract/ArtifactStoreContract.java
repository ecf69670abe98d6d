package dev.cairn.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.testkit.StallingStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link ArtifactStore} contract as tests. Subclass it once per implementation (in your test
 * sources): return a fresh, empty store from {@link #createStore()}, say whether the store keeps its
 * data across {@link #reopen reopening}, and how to {@link #damageStoredBytes damage} a stored blob
 * behind the store's back. Every implementation Cairn ships runs this suite.
 *
 * <p>What it pins: ids are the SHA-256 of the bytes (the kind is not part of the id); puts are
 * idempotent, also when racing; get, exists, size and the streaming additions agree; a failed or
 * interrupted streamed put stores nothing; a damaged blob is {@code StorageError.Corruption} and
 * never comes back as the wrong bytes; deferred puts are readable at once and durable after {@code
 * sync()}. Random tests print their seed ({@link Seeds}).
 */
public abstract class ArtifactStoreContract {

    /** SHA-256 of the ASCII bytes {@code hello}. */
    protected static final String HELLO_ID = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    /** SHA-256 of no bytes. */
    protected static final String EMPTY_ID = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** The store under test, fresh for each test. */
    protected ArtifactStore store;

    private long seed;
    private Random random;

    /** A new, empty store. Called before each test. */
    protected abstract ArtifactStore createStore() throws Exception;

    /**
     * Closes {@code store} and opens a new store over the same data, or returns empty for a store
     * that keeps nothing once closed (in memory). The durability tests are then reported as aborted
     * with that reason, never passed silently.
     */
    protected abstract Optional<ArtifactStore> reopen(ArtifactStore store) throws Exception;

    /**
     * Replaces the stored bytes of {@code id} with {@code damage} applied to them, behind the store's
     * back, as disk rot or a torn copy would. Return {@code false} when this store cannot be damaged
     * from outside (it holds its bytes out of reach, such as in this JVM's heap); the corruption
     * tests are then reported as aborted with that reason, never passed silently.
     */
    protected abstract boolean damageStoredBytes(ArtifactStore store, ArtifactId id, UnaryOperator<byte[]> damage)
            throws Exception;

    /** The size of the blob the streaming test moves: 64 MiB unless overridden. */
    protected long largeBlobBytes() {
        return 64L << 20;
    }

    /** Releases a store after each test; the default closes it when it is {@link AutoCloseable}. */
    protected void closeStore(ArtifactStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @BeforeEach
    void openStore(TestInfo test) throws Exception {
        seed = Seeds.seed(getClass().getSimpleName() + "." + test.getDisplayName());
        random = new Random(seed);
        store = createStore();
    }

    @AfterEach
    void releaseStore() throws Exception {
        Thread.interrupted();
        if (store != null) {
            closeStore(store);
            store = null;
        }
    }

    /** This test's random source, seeded with the printed seed. */
    protected Random random() {
        return random;
    }

    /**
     * A source that hands out {@code head}, then has nothing more to give yet: its next read runs
     * {@code onStall} (in the reading thread) and blocks until that thread is interrupted, which ends
     * it as a pipe or socket does (flag cleared, {@link InterruptedIOException}).
     */
    protected static InputStream stallingAfter(byte[] head, Runnable onStall) {
        return StallingStream.untilInterrupted(head, onStall);
    }

    /** {@code n} random bytes from this test's seed. */
    protected byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ put, get, exists

    @Test
    void theIdIsTheSha256OfTheBytes() {
        ArtifactId hello = store.put(new ArtifactKind.Output(), "hello".getBytes(StandardCharsets.US_ASCII));
        ArtifactId empty = store.put(new ArtifactKind.Output(), new byte[0]);

        assertThat(hello.value()).isEqualTo(HELLO_ID);
        assertThat(empty.value()).isEqualTo(EMPTY_ID);
        assertThat(store.get(empty)).isEmpty();
    }

    @Test
    void storedBytesReadBackExactly() throws IOException {
        byte[] bytes = randomBytes(100_000);

        ArtifactId id = store.put(new ArtifactKind.ContextSnapshot(), bytes);

        assertThat(id.value()).isEqualTo(ArtifactIds.ofBytes(bytes));
        assertThat(store.exists(id)).isTrue();
        assertThat(store.get(id)).isEqualTo(bytes);
        try (InputStream in = store.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void putIsIdempotentAndTheKindIsNotPartOfTheId() {
        byte[] bytes = randomBytes(5_000);

        ArtifactId first = store.put(new ArtifactKind.Manifest(), bytes);
        ArtifactId again = store.put(new ArtifactKind.Manifest(), bytes.clone());
        ArtifactId asOutput = store.put(new ArtifactKind.Output(), bytes);
        ArtifactId asOther = store.put(new ArtifactKind.Other("blob"), bytes);

        assertThat(List.of(again, asOutput, asOther)).containsOnly(first);
        assertThat(store.get(first)).isEqualTo(bytes);
    }

    @Test
    void theStoreKeepsItsOwnCopyOfTheBytes() {
        byte[] bytes = "original".getBytes(StandardCharsets.US_ASCII);
        ArtifactId id = store.put(new ArtifactKind.Output(), bytes);

        bytes[0] = 'X';
        byte[] read = store.get(id);
        read[1] = 'Y';

        assertThat(store.get(id)).isEqualTo("original".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anUnknownIdIsNotFound() {
        ArtifactId unknown = new ArtifactId(ArtifactIds.ofBytes(randomBytes(32)));

        assertThat(store.exists(unknown)).isFalse();
        assertNotFound(catchThrowable(() -> store.get(unknown)), unknown);
        assertNotFound(catchThrowable(() -> store.size(unknown)), unknown);
        assertNotFound(catchThrowable(() -> store.openStream(unknown).close()), unknown);
    }

    @Test
    void distinctBlobsAreDistinct() {
        List<byte[]> blobs = new ArrayList<>();
        List<ArtifactId> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] bytes = randomBytes(random.nextInt(3_000));
            blobs.add(bytes);
            ids.add(store.put(new ArtifactKind.FactPayload(), bytes));
        }

        for (int i = 0; i < blobs.size(); i++) {
            assertThat(store.get(ids.get(i))).isEqualTo(blobs.get(i));
            assertThat(store.size(ids.get(i))).isEqualTo(blobs.get(i).length);
        }
    }

    // ------------------------------------------------------------------ streams

    @Test
    void aStreamedPutEqualsAPut() throws IOException {
        byte[] bytes = randomBytes(300_000);

        ArtifactId streamed = store.putStream(new ArtifactKind.Output(), new ByteArrayInputStream(bytes));

        assertThat(streamed.value()).isEqualTo(ArtifactIds.ofBytes(bytes));
        assertThat(store.put(new ArtifactKind.Output(), bytes)).isEqualTo(streamed);
        assertThat(store.get(streamed)).isEqualTo(bytes);
        assertThat(store.putStream(new ArtifactKind.Output(), InputStream.nullInputStream())
                        .value())
                .isEqualTo(EMPTY_ID);
    }

    @Test
    void aLargeBlobStreamsInAndOut() throws IOException {
        long size = largeBlobBytes();
        GeneratedStream source = new GeneratedStream(seed, size);

        ArtifactId id = store.putStream(new ArtifactKind.Output(), source);

        assertThat(source.emitted()).isEqualTo(size);
        assertThat(id.value()).isEqualTo(source.sha256());
        assertThat(store.exists(id)).isTrue();
        assertThat(store.size(id)).isEqualTo(size);
        MessageDigest digest = ArtifactIds.sha256();
        long read = 0;
        GeneratedStream expected = new GeneratedStream(seed, size);
        try (InputStream in = store.openStream(id)) {
            byte[] chunk = new byte[1 << 16];
            byte[] want = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                digest.update(chunk, 0, n);
                assertThat(expected.readNBytes(want, 0, n)).isEqualTo(n);
                if (!Arrays.equals(chunk, 0, n, want, 0, n)) {
                    throw new AssertionError("byte mismatch in the chunk at offset " + read);
                }
                read += n;
            }
        }
        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(id.value());
    }

    @Test
    void aFailingSourceStreamStoresNothing() {
        byte[] delivered = randomBytes(200_000);
        InputStream failing = new InputStream() {
            private final InputStream data = new ByteArrayInputStream(delivered);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = data.read(b, off, len);
                if (n < 0) {
                    throw new IOException("source broke after " + delivered.length + " bytes");
                }
                return n;
            }
        };

        Throwable thrown = catchThrowable(() -> store.putStream(new ArtifactKind.Output(), failing));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.CODE_ARTIFACT_STREAM_FAILED);
            assertThat(e.getCause()).hasMessageContaining("source broke");
        });
        assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(delivered)))).isFalse();
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void racingPutsOfTheSameBytesAllGetTheSameId() throws Exception {
        byte[] bytes = randomBytes(20_000);
        List<Future<ArtifactId>> puts = new ArrayList<>();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 32; i++) {
                boolean streamed = i % 2 == 0;
                puts.add(threads.submit(() -> {
                    go.await();
                    return streamed
                            ? store.putStream(new ArtifactKind.Output(), new ByteArrayInputStream(bytes))
                            : store.put(new ArtifactKind.Output(), bytes);
                }));
            }
            go.countDown();
        }

        ArtifactId expected = new ArtifactId(ArtifactIds.ofBytes(bytes));
        for (Future<ArtifactId> put : puts) {
            assertThat(put.get()).isEqualTo(expected);
        }
        assertThat(store.get(expected)).isEqualTo(bytes);
    }

    @Test
    void parallelPutsOfDistinctBlobsAreAllReadable() throws Exception {
        int count = 200;
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            blobs.add(randomBytes(1 + random.nextInt(i % 10 == 0 ? 200_000 : 4_000)));
        }
        List<Future<ArtifactId>> puts = new ArrayList<>();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (byte[] bytes : blobs) {
                puts.add(threads.submit(() -> store.put(new ArtifactKind.ContextSnapshot(), bytes)));
            }
        }

        for (int i = 0; i < count; i++) {
            ArtifactId id = puts.get(i).get();
            assertThat(id.value()).isEqualTo(ArtifactIds.ofBytes(blobs.get(i)));
            assertThat(store.get(id)).isEqualTo(blobs.get(i));
        }
    }

    // ------------------------------------------------------------------ corruption

    @Test
    void aFlippedBitIsCorruption() throws Exception {
        assertDamageIsCaught(bytes -> {
            byte[] out = bytes.clone();
            out[out.length / 2] ^= 0x10;
            return out;
        });
    }

    @Test
    void aTruncatedBlobIsCorruption() throws Exception {
        assertDamageIsCaught(bytes -> Arrays.copyOf(bytes, bytes.length - 1));
    }

    @Test
    void anExtendedBlobIsCorruption() throws Exception {
        assertDamageIsCaught(bytes -> Arrays.copyOf(bytes, bytes.length + 1));
    }

    @Test
    void anEmptiedBlobIsCorruption() throws Exception {
        assertDamageIsCaught(bytes -> new byte[0]);
    }

    /**
     * Damages a stored blob with {@code damage}, then checks that {@code get} and a streamed read to
     * the end both report {@code Corruption}, and that neither hands back a clean copy of the wrong
     * bytes.
     */
    protected void assertDamageIsCaught(UnaryOperator<byte[]> damage) throws Exception {
        byte[] bytes = randomBytes(150_000);
        ArtifactId id = store.put(new ArtifactKind.ContextSnapshot(), bytes);

        boolean damaged = damageStoredBytes(store, id, damage);
        Assumptions.assumeTrue(damaged, getClass().getSimpleName() + " declares a store that cannot be damaged");

        assertCorruption(catchThrowable(() -> store.get(id)), id);
        Throwable streamed = catchThrowable(() -> {
            try (InputStream in = store.openStream(id)) {
                in.transferTo(OutputSink.INSTANCE);
            }
        });
        assertThat(streamed).as("reading a damaged blob to its end must fail").isNotNull();
        StorageException cause = streamed instanceof StorageException direct
                ? direct
                : streamed.getCause() instanceof StorageException inner ? inner : null;
        assertThat(streamed)
                .as("a streamed read fails with StorageException, or an IOException caused by one")
                .isInstanceOfAny(StorageException.class, IOException.class);
        assertCorruption(cause, id);
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    void anInterruptedStreamedPutStoresNothingAndKeepsTheFlag() throws Exception {
        byte[] head = randomBytes(1 << 20);
        CountDownLatch waiting = new CountDownLatch(1);
        InputStream stalls = stallingAfter(head, waiting::countDown);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread putter = Thread.ofVirtual().start(() -> {
            try {
                store.putStream(new ArtifactKind.Output(), stalls);
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });

        waiting.await();
        putter.interrupt();
        putter.join();

        assertThat(thrown.get()).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCodes.CODE_INTERRUPTED));
        assertThat(flagAfter).as("interrupt flag after the refused put").isTrue();
        assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(head)))).isFalse();
    }

    @Test
    void aPutWithTheInterruptFlagSetStoresWhollyOrNotAtAll() {
        byte[] bytes = randomBytes(10_000);
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));

        Thread.currentThread().interrupt();
        Throwable thrown = catchThrowable(
                () -> assertThat(store.put(new ArtifactKind.Output(), bytes)).isEqualTo(id));
        boolean flagKept = Thread.interrupted();

        assertThat(flagKept).as("interrupt flag after put").isTrue();
        if (thrown == null) {
            assertThat(store.get(id)).isEqualTo(bytes);
        } else {
            assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCodes.CODE_INTERRUPTED));
            if (store.exists(id)) {
                assertThat(store.get(id)).isEqualTo(bytes);
            }
        }
    }

    // ------------------------------------------------------------------ deferred durability

    @Test
    void aDeferredPutIsReadableAtOnce() throws IOException {
        byte[] bytes = randomBytes(4_000);

        ArtifactId id = store.putDeferred(new ArtifactKind.ContextSnapshot(), bytes);

        assertThat(id.value()).isEqualTo(ArtifactIds.ofBytes(bytes));
        assertThat(store.exists(id)).isTrue();
        assertThat(store.get(id)).isEqualTo(bytes);
        assertThat(store.size(id)).isEqualTo(bytes.length);
        try (InputStream in = store.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.putDeferred(new ArtifactKind.ContextSnapshot(), bytes)).isEqualTo(id);
        assertThat(store.put(new ArtifactKind.Output(), bytes)).isEqualTo(id);
        store.sync();
        assertThat(store.get(id)).isEqualTo(bytes);
    }

    @Test
    void blobsSurviveReopeningTheStore() throws Exception {
        byte[] put = randomBytes(3_000);
        byte[] deferred = randomBytes(3_000);
        byte[] streamed = randomBytes(300_000);
        ArtifactId putId = store.put(new ArtifactKind.Output(), put);
        ArtifactId deferredId = store.putDeferred(new ArtifactKind.ContextSnapshot(), deferred);
        ArtifactId streamedId = store.putStream(new ArtifactKind.Output(), new ByteArrayInputStream(streamed));
        store.sync();

        Optional<ArtifactStore> reopened = reopen(store);
        Assumptions.assumeTrue(
                reopened.isPresent(), getClass().getSimpleName() + " declares a store that keeps nothing once closed");
        store = reopened.get();

        assertThat(store.get(putId)).isEqualTo(put);
        assertThat(store.get(deferredId)).isEqualTo(deferred);
        assertThat(store.get(streamedId)).isEqualTo(streamed);
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNotFound(Throwable thrown, ArtifactId id) {
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.error()).isInstanceOf(StorageError.NotFound.class);
            assertThat(e.code()).isEqualTo(ErrorCodes.CODE_ARTIFACT_NOT_FOUND);
            assertThat(e.getMessage()).contains(id.value());
        });
    }

    private static void assertCorruption(Throwable thrown, ArtifactId id) {
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.error()).isInstanceOf(StorageError.Corruption.class);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(id.value());
        });
    }

    /** Discards what it is given. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }

    /**
     * {@code size} pseudo-random bytes from a seed, produced on demand (never held in memory), with
     * the SHA-256 of what was emitted.
     */
    private static final class GeneratedStream extends InputStream {
        private final MessageDigest digest = ArtifactIds.sha256();
        private final long size;
        private long state;
        private long emitted;

        GeneratedStream(long seed, long size) {
            this.state = seed | 1;
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (emitted == size) {
                return -1;
            }
            int n = (int) Math.min(len, size - emitted);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            digest.update(b, off, n);
            emitted += n;
            return n;
        }

        long emitted() {
            return emitted;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
