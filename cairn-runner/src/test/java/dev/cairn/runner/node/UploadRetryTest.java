package dev.cairn.runner.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.ArtifactIds;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.node.remote.RemoteArtifactStore;
import dev.cairn.runner.node.remote.RemoteClientOptions;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's uploads against a server that is down: retried while the lease may be valid, then a typed error. */
class UploadRetryTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));

    @TempDir
    Path dir;

    private final InMemoryArtifactStore stored = new InMemoryArtifactStore();
    private final CairnServerFixture server =
            new CairnServerFixture(new InMemoryLeaseService(Duration.ofSeconds(3)), stored);
    private final RemoteArtifactStore remote = RemoteArtifactStore.create(RemoteClientOptions.builder(server.uri())
            .maxAttempts(1)
            .backoff(FAST)
            .build());

    @AfterEach
    void tearDown() {
        remote.close();
        server.close();
    }

    private StoreArtifactSink sink(UploadRetry retry) {
        return new StoreArtifactSink(remote, new TaskScratch(dir.resolve("scratch"), "t-"), retry);
    }

    @Test
    void anUploadGivesUpWithUploadFailedOnceTheLeaseCannotBeValidAnyMore() throws Exception {
        server.stop();
        Path file = dir.resolve("out.bin");
        Files.writeString(file, "never stored");
        StoreArtifactSink sink = sink(UploadRetry.within(FAST, Duration.ofMillis(300)));

        assertThatThrownBy(() -> sink.putFile("out.bin", file)).isInstanceOfSatisfying(RunnerException.class, e -> {
            assertThat(e.code()).isEqualTo("upload_failed");
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("out.bin").containsPattern("after \\d+ attempts");
            assertThat(e.hint()).contains("server");
        });
        assertThatThrownBy(() -> sink.putBytes("note.txt", new byte[] {1}))
                .isInstanceOfSatisfying(
                        RunnerException.class, e -> assertThat(e.code()).isEqualTo("upload_failed"));
        assertThat(sink.outputs()).isEmpty();
    }

    @Test
    void anUploadWaitsForTheServerToComeBack() throws Exception {
        server.stop();
        Path file = dir.resolve("out.bin");
        Files.writeString(file, "stored at last");
        StoreArtifactSink sink = sink(UploadRetry.within(FAST, Duration.ofSeconds(30)));
        Thread restart = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            server.restart();
        });

        sink.putFile("out.bin", file);
        restart.join();

        String id = ArtifactIds.ofBytes("stored at last".getBytes(StandardCharsets.UTF_8));
        assertThat(sink.outputs()).extracting(OutputArtifact::artifactId).containsExactly(id);
        assertThat(stored.get(new dev.cairn.machine.ids.ArtifactId(id)))
                .asString()
                .isEqualTo("stored at last");
    }

    @Test
    void withoutALeaseAnUnavailableStoreFailsAtOnce() {
        server.stop();
        StoreArtifactSink sink = sink(UploadRetry.none());

        assertThatThrownBy(() -> sink.putBytes("note.txt", new byte[] {1}))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.code()).isEqualTo("upload_failed");
                    assertThat(e.getMessage()).doesNotContain("attempts");
                });
    }

    @Test
    void retriesStopWhenTheThreadIsInterrupted() {
        server.stop();
        StoreArtifactSink sink = sink(UploadRetry.within(FAST, Duration.ofMinutes(5)));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> sink.putBytes("note.txt", new byte[] {1})).isInstanceOf(RunnerException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
