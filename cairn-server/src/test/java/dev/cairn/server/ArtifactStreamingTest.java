package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.server.fixture.CapturedLogs;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import dev.cairn.store.fs.FsArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts of 100 MB go up and down streamed: the server uses only the store's streaming methods
 * (a store that refuses whole-blob reads and writes above 1 MiB proves it), the digest headers are
 * the SHA-256 of the bytes, HEAD tells size and digest, and corrupt bytes never arrive whole.
 */
class ArtifactStreamingTest {

    private static final long SIZE = 100L * 1024 * 1024;
    private static final int WHOLE_BLOB_LIMIT = 1024 * 1024;

    @TempDir
    Path dir;

    private FsArtifactStore fs;
    private FixtureServer server;
    private Http http;
    private long seed;

    @BeforeEach
    void start() {
        seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        fs = FsArtifactStore.open(dir.resolve("artifacts"));
        server = FixtureServer.builder().artifacts(new StreamOnly(fs)).start();
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
        fs.close();
    }

    /** An artifact store that fails a test reading or writing a large blob whole. */
    private record StreamOnly(ArtifactStore delegate) implements ArtifactStore {
        @Override
        public ArtifactId put(ArtifactKind kind, byte[] bytes) {
            assertThat(bytes.length).as("a whole-blob put").isLessThanOrEqualTo(WHOLE_BLOB_LIMIT);
            return delegate.put(kind, bytes);
        }

        @Override
        public byte[] get(ArtifactId id) {
            assertThat(delegate.size(id)).as("a whole-blob get").isLessThanOrEqualTo(WHOLE_BLOB_LIMIT);
            return delegate.get(id);
        }

        @Override
        public boolean exists(ArtifactId id) {
            return delegate.exists(id);
        }

        @Override
        public long size(ArtifactId id) {
            return delegate.size(id);
        }

        @Override
        public ArtifactId putStream(ArtifactKind kind, InputStream content) {
            return delegate.putStream(kind, content);
        }

        @Override
        public InputStream openStream(ArtifactId id) {
            return delegate.openStream(id);
        }
    }

    /**
     * {@code size} pseudo-random bytes from a seed (xorshift, in blocks of 64 KiB, so that the bytes
     * do not depend on how they are read), hashed as they are read.
     */
    private static final class Generated extends InputStream {
        private static final int BLOCK = 64 * 1024;
        private final MessageDigest digest = ArtifactIds.sha256();
        private final ByteBuffer block = ByteBuffer.allocate(BLOCK);
        private long state;
        private long left;

        Generated(long seed, long size) {
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            this.left = size;
            block.limit(0);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (!block.hasRemaining()) {
                if (left == 0) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(length, block.remaining());
            block.get(buffer, offset, n);
            digest.update(buffer, offset, n);
            return n;
        }

        private void fill() {
            block.clear();
            int n = (int) Math.min(BLOCK, left);
            while (block.position() + 8 <= n) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                block.putLong(state);
            }
            while (block.position() < n) {
                block.put((byte) n);
            }
            block.flip();
            left -= n;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static String digestHeader(String id) {
        return "sha-256=:"
                + java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id)) + ":";
    }

    @Test
    void aHundredMegabytesGoUpAndComeBackStreamed() throws Exception {
        Generated source = new Generated(seed, SIZE);
        Http.Response uploaded = http.post("/v1/artifacts")
                .header("Content-Type", "application/octet-stream")
                .header("X-Cairn-Artifact-Kind", "Output")
                .body(HttpRequest.BodyPublishers.ofInputStream(() -> source))
                .send();
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
        String id = source.sha256();
        JsonNode body = uploaded.json();
        assertThat(body.get("artifact_id").asText()).isEqualTo(id);
        assertThat(body.get("size_bytes").asLong()).isEqualTo(SIZE);
        assertThat(uploaded.header("Location")).contains("/v1/artifacts/" + id);
        assertThat(uploaded.header("Repr-Digest")).contains(digestHeader(id));
        assertThat(fs.size(new ArtifactId(id))).isEqualTo(SIZE);

        HttpResponse<InputStream> download =
                http.get("/v1/artifacts/" + id).send(HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Length")).contains(Long.toString(SIZE));
        assertThat(download.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(download.headers().firstValue("Repr-Digest")).contains(digestHeader(id));
        assertThat(download.headers().firstValue("ETag")).contains("\"" + id + "\"");
        assertThat(download.headers().firstValue("X-Cairn-Artifact-Id")).contains(id);
        MessageDigest digest = ArtifactIds.sha256();
        long read = 0;
        Generated expected = new Generated(seed, SIZE);
        byte[] want = new byte[64 * 1024];
        try (InputStream in = download.body()) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                digest.update(chunk, 0, n);
                assertThat(expected.readNBytes(want, 0, n)).isEqualTo(n);
                if (!java.util.Arrays.equals(chunk, 0, n, want, 0, n)) {
                    throw new AssertionError("bytes differ in the chunk at offset " + read);
                }
                read += n;
            }
        }
        assertThat(read).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(id);

        Http.Response head = http.call("HEAD", "/v1/artifacts/" + id).send();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).contains(Long.toString(SIZE));
        assertThat(head.header("Repr-Digest")).contains(digestHeader(id));
    }

    @Test
    void anUploadWithTheWrongDigestIsRefusedAndAnEmptyOneIsFine() {
        byte[] bytes = "forty-two".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Http.Response wrong = http.post("/v1/artifacts")
                .header("Content-Type", "application/octet-stream")
                .header("Repr-Digest", digestHeader(ArtifactIds.ofBytes("forty-three".getBytes())))
                .body(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .send();
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.code()).isEqualTo("digest_mismatch");
        assertThat(wrong.json().at("/details/actual").asText()).isEqualTo(ArtifactIds.ofBytes(bytes));

        Http.Response empty = http.post("/v1/artifacts")
                .header("Content-Type", "application/octet-stream")
                .send();
        assertThat(empty.status()).isEqualTo(201);
        assertThat(empty.json().get("artifact_id").asText()).isEqualTo(ArtifactIds.ofBytes(new byte[0]));
        assertThat(empty.json().get("size_bytes").asLong()).isZero();
        assertThat(http.get("/v1/artifacts/" + ArtifactIds.ofBytes(new byte[0]))
                        .send()
                        .body())
                .isEmpty();
    }

    @Test
    void unknownArtifactsAreNotFoundForGetAndHead() {
        String absent = ArtifactIds.ofBytes("never stored".getBytes());
        Http.Response get = http.get("/v1/artifacts/" + absent).send();
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.code()).isEqualTo("artifact_not_found");
        assertThat(get.header("ETag")).isEmpty();
        Http.Response head = http.call("HEAD", "/v1/artifacts/" + absent).send();
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void corruptBytesNeverArriveWhole() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(seed).nextBytes(bytes);
        ArtifactId id = fs.put(new ArtifactKind.Output(), bytes);
        Path file = fs.pathOf(id);
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length - 1] ^= 1;
        Files.write(file, damaged);

        try (CapturedLogs logs = new CapturedLogs(ArtifactRoutes.class);
                CapturedLogs helidon = new CapturedLogs("io.helidon")) {
            Throwable failure = catchThrowable(() -> {
                HttpResponse<byte[]> response =
                        http.get("/v1/artifacts/" + id.value()).send(HttpResponse.BodyHandlers.ofByteArray());
                // Should the client get an answer at all, it cannot be the whole body.
                assertThat(response.body().length).isLessThan(bytes.length);
            });
            if (failure != null) {
                assertThat(failure).hasRootCauseInstanceOf(IOException.class);
            }
            assertThat(logs.atLeast(Level.ERROR)).hasSize(1);
            assertThat(logs.atLeast(Level.ERROR).getFirst().getFormattedMessage())
                    .contains(id.value());
        }
    }
}
