package dev.cairn.runner.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.node.Backoff;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.GeneratedBytes;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP artifact store's streaming, verification and error mapping. */
class RemoteArtifactStoreTest {

    private static final long FIFTY_MB = 50L << 20;

    private final InMemoryArtifactStore backing = new InMemoryArtifactStore();
    private final CairnServerFixture server =
            new CairnServerFixture(new InMemoryLeaseService(Duration.ofSeconds(30)), backing).runnerToken("tok-1");

    @AfterEach
    void tearDown() {
        server.close();
    }

    private RemoteArtifactStore client(String token) {
        return RemoteArtifactStore.create(RemoteClientOptions.builder(server.uri())
                .token(token)
                .backoff(new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)))
                .build());
    }

    private static long seed() {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("seed=" + seed);
        return seed;
    }

    @Test
    void aFiftyMegabyteUploadStreamsWhileItIsProduced() throws Exception {
        long seed = seed();
        CountDownLatch serverHasSome = new CountDownLatch(1);
        server.onUploadProgress(n -> {
            if (n >= (4L << 20)) {
                serverHasSome.countDown();
            }
        });
        boolean[] sawServerReading = {false};
        // The source stops after 16 MB until the server has received 4 MB: a client that buffered the
        // whole stream before sending would never get past this point.
        GeneratedBytes source = new GeneratedBytes(seed, FIFTY_MB, 16L << 20, () -> {
            try {
                sawServerReading[0] = serverHasSome.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        ArtifactId id = client("tok-1").putStream(new ArtifactKind.Output(), source);

        assertThat(sawServerReading[0])
                .as("the server read 4 MB before the client had produced 16 MB")
                .isTrue();
        assertThat(id.value()).isEqualTo(GeneratedBytes.sha256(seed, FIFTY_MB));
        assertThat(backing.exists(id)).isTrue();
    }

    @Test
    void aFiftyMegabyteDownloadIsHandedOutAsItArrives() throws Exception {
        long seed = seed();
        ArtifactId id = new ArtifactId(GeneratedBytes.sha256(seed, FIFTY_MB));
        CountDownLatch clientHasSome = new CountDownLatch(1);
        boolean[] sawClientReading = {false};
        // The server stops after 16 MB until the client has read 1 MB: a client that buffered the
        // whole body before handing it out would never get past this point.
        server.generate(
                id,
                ignored -> new GeneratedBytes(seed, FIFTY_MB, 16L << 20, () -> {
                    try {
                        sawClientReading[0] = clientHasSome.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));

        MessageDigest digest = ArtifactIds.sha256();
        long read = 0;
        try (InputStream in = client("tok-1").openStream(id)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                read += n;
                if (read >= (1L << 20)) {
                    clientHasSome.countDown();
                }
            }
        }

        assertThat(sawClientReading[0])
                .as("the client read 1 MB before the server had sent 16 MB")
                .isTrue();
        assertThat(read).isEqualTo(FIFTY_MB);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(id.value());
    }

    @Test
    void aDownloadWhoseBytesDoNotHashToItsIdIsCorrupt() throws IOException {
        ArtifactId id = backing.put(new ArtifactKind.Output(), CairnServerFixture.utf8("the real bytes"));
        server.tamper(id, bytes -> CairnServerFixture.utf8("other bytes!!!"));
        RemoteArtifactStore store = client("tok-1");

        Throwable thrown = catchThrowable(() -> store.get(id));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.error()).isInstanceOf(StorageError.Corruption.class);
            assertThat(e.code()).isEqualTo("artifact_corrupt");
            assertThat(e.getMessage())
                    .contains(id.value())
                    .contains(ArtifactIds.ofBytes(CairnServerFixture.utf8("other bytes!!!")));
        });
        try (InputStream in = store.openStream(id)) {
            Throwable atEnd = catchThrowable(in::readAllBytes);
            assertThat(atEnd).isInstanceOf(IOException.class).hasCauseInstanceOf(StorageException.class);
        }
    }

    @Test
    void aDigestHeaderNamingOtherBytesIsRefusedBeforeTheBody() {
        ArtifactId id = backing.put(new ArtifactKind.Output(), CairnServerFixture.utf8("x"));
        server.overrideHeader(
                RemoteArtifactStore.DIGEST_HEADER, "sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:");

        Throwable thrown = catchThrowable(() -> client("tok-1").openStream(id));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("artifact_corrupt");
            assertThat(e.getMessage()).contains("Repr-Digest");
        });
    }

    @Test
    void aSmallBlobReadOnceIsReadAgainWithoutARequest() throws IOException {
        ArtifactId small = backing.put(new ArtifactKind.Output(), CairnServerFixture.utf8("every task's input"));
        ArtifactId large = backing.put(new ArtifactKind.Output(), new byte[RemoteArtifactStore.RECENT_MAX_BLOB + 1]);
        RemoteArtifactStore store = client("tok-1");
        assertThat(store.get(small)).asString().isEqualTo("every task's input");
        assertThat(store.get(large)).hasSize(RemoteArtifactStore.RECENT_MAX_BLOB + 1);

        server.failNext(100, 503, "store_busy", true); // any request from now on fails
        byte[] again = store.get(small);
        assertThat(again).asString().isEqualTo("every task's input");
        again[0] = 'X'; // a caller's copy: changing it changes nothing kept
        try (InputStream in = store.openStream(small)) {
            assertThat(in.readAllBytes()).asString().isEqualTo("every task's input");
        }
        Throwable thrown = catchThrowable(() -> store.get(large));
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                .isEqualTo("storage_unavailable"));
    }

    @Test
    void recentBlobsDropTheLeastRecentlyReadBeyondTheirBytes() {
        RemoteArtifactStore.RecentBlobs recent = new RemoteArtifactStore.RecentBlobs(4, 8);
        ArtifactId a = new ArtifactId("a".repeat(64));
        ArtifactId b = new ArtifactId("b".repeat(64));
        ArtifactId c = new ArtifactId("c".repeat(64));
        recent.put(a, new byte[4]);
        recent.put(b, new byte[4]);
        assertThat(recent.get(a)).isNotNull(); // a is now the most recent
        recent.put(c, new byte[4]);
        recent.put(new ArtifactId("d".repeat(64)), new byte[5]); // larger than a blob may be: not kept

        assertThat(recent.get(b)).isNull();
        assertThat(recent.get(a)).hasSize(4);
        assertThat(recent.get(c)).hasSize(4);
        assertThat(recent.size()).isEqualTo(2);
    }

    @Test
    void retryableFailuresAreRetriedAndThenReportedAsUnavailable() {
        RemoteArtifactStore store = client("tok-1");
        server.failNext(2, 503, "store_busy", true);
        ArtifactId id = store.put(new ArtifactKind.Output(), CairnServerFixture.utf8("after two 503s"));
        assertThat(backing.get(id)).asString().isEqualTo("after two 503s");

        server.failNext(10, 503, "store_busy", true);
        Throwable thrown = catchThrowable(() -> store.get(id));
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("storage_unavailable");
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("store_busy");
        });
    }

    @Test
    void errorEnvelopesBecomeTypedStorageErrors() {
        Throwable unauthenticated = catchThrowable(() -> client("wrong").exists(new ArtifactId("a".repeat(64))));
        assertThat(unauthenticated).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("unauthenticated");
            assertThat(e.retryable()).isFalse();
        });
        Throwable notFound = catchThrowable(() -> client("tok-1").get(new ArtifactId("b".repeat(64))));
        assertThat(notFound).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.error()).isInstanceOf(StorageError.NotFound.class);
            assertThat(e.code()).isEqualTo("artifact_not_found");
        });
        server.failNext(1, 500, "disk_on_fire", false);
        Throwable other = catchThrowable(() -> client("tok-1").put(new ArtifactKind.Output(), new byte[] {1}));
        assertThat(other).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("disk_on_fire");
            assertThat(e.retryable()).isFalse();
        });
    }

    @Test
    void anUnreachableServerIsRetryablyUnavailable() {
        RemoteArtifactStore store =
                RemoteArtifactStore.create(RemoteClientOptions.builder(URI.create("http://127.0.0.1:1/"))
                        .maxAttempts(2)
                        .backoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)))
                        .build());

        Throwable thrown = catchThrowable(() -> store.exists(new ArtifactId("c".repeat(64))));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("storage_unavailable");
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("cannot reach");
        });
    }

    @Test
    void kindsTravelAsHeaderValues() {
        assertThat(RemoteArtifactStore.kindHeader(new ArtifactKind.Output())).contains("Output");
        assertThat(RemoteArtifactStore.kindHeader(new ArtifactKind.Other("tree")))
                .contains("Other:tree");
        assertThat(RemoteArtifactStore.kindHeader(new ArtifactKind.Other("a b")))
                .isEqualTo(Optional.empty());
        assertThat(RemoteArtifactStore.reprDigest(new ArtifactId(ArtifactIds.ofBytes(new byte[0]))))
                .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }

    @Test
    void theTokenIsNeverPrinted() {
        RemoteClientOptions options = RemoteClientOptions.builder(server.uri())
                .token("super-secret-token")
                .build();
        assertThat(options.toString()).doesNotContain("super-secret-token").contains("<redacted>");
    }
}
