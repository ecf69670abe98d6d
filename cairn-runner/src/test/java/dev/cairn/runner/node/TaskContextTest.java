package dev.cairn.runner.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.MaterializedInput;
import dev.cairn.runner.api.MaterializedInputs;
import dev.cairn.runner.api.MultipartUpload;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.workspace.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's InputSource, ArtifactSink and ControlPlane over a real content-addressed store. */
class TaskContextTest {

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String code(Throwable e) {
        return ((RunnerException) e).code();
    }

    @Test
    void inputsAreReadByArtifactIdAndMaterializedIntoTheTasksScratchSpace() throws Exception {
        ArtifactId a = store.put(new ArtifactKind.Output(), utf8("alpha"));
        ArtifactId b = store.put(new ArtifactKind.Output(), utf8("beta"));
        TaskScratch scratch = new TaskScratch(dir, "t-");
        StoreInputSource input = new StoreInputSource(store, scratch);

        assertThat(input.getBytesByCid(a.value())).isEqualTo(utf8("alpha"));
        Path first;
        try (MaterializedInputs both = input.materializeAll(List.of(a.value(), b.value()))) {
            first = both.paths().getFirst();
            assertThat(first).startsWith(dir).hasContent("alpha");
            assertThat(both.paths().get(1)).hasContent("beta");
            assertThat(first.getFileName()).hasToString("cid-" + a.value());
        }
        assertThat(first).doesNotExist();
        MaterializedInput kept = input.materialize(a.value());
        scratch.close(); // the task ended without closing its input
        assertThat(kept.path()).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void badOrMissingInputsAreTypedErrors() {
        StoreInputSource input = new StoreInputSource(store, new TaskScratch(dir, "t-"));

        assertThatThrownBy(() -> input.getBytesByCid("bafkreiabc"))
                .satisfies(e -> assertThat(code(e)).isEqualTo("invalid_cid"));
        assertThatThrownBy(() -> input.materialize("0".repeat(64)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("input_not_found"));
        assertThat(dir.toFile().list())
                .allSatisfy(d -> assertThat(dir.resolve(d)).isEmptyDirectory());
    }

    @Test
    void outputsAreStoredAndRecordedWithTypeAndSize() throws Exception {
        TaskScratch scratch = new TaskScratch(dir.resolve("scratch"), "t-");
        StoreArtifactSink sink = new StoreArtifactSink(store, scratch);
        Path file = Files.writeString(dir.resolve("report.html"), "<p>hi</p>");

        sink.putBytes("out/a.json", utf8("{}"));
        sink.putFile("out/report.html", file);
        sink.putBytes("out/a.json", utf8("{\"v\":2}")); // replaces the record, keeps its place

        assertThat(sink.outputs())
                .containsExactly(
                        new OutputArtifact("out/a.json", ArtifactIds.ofBytes(utf8("{\"v\":2}")), "application/json", 7),
                        new OutputArtifact("out/report.html", ArtifactIds.ofBytes(utf8("<p>hi</p>")), "text/html", 9));
        assertThatThrownBy(() -> sink.putBytes("../escape", new byte[0]))
                .satisfies(e -> assertThat(code(e)).isEqualTo("invalid_artifact_key"));
        assertThatThrownBy(() -> sink.putFile("x", dir.resolve("missing")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("output_not_found"));
        scratch.close();
    }

    @Test
    void multipartUploadsSpoolToDiskAndCommitOnFinish() {
        TaskScratch scratch = new TaskScratch(dir.resolve("scratch"), "t-");
        StoreArtifactSink sink = new StoreArtifactSink(store, scratch);

        MultipartUpload upload = sink.openMultipart("big.bin");
        byte[] chunk = new byte[100_000];
        for (int i = 0; i < 20; i++) {
            chunk[0] = (byte) i;
            upload.writeChunk(chunk);
        }
        assertThat(sink.outputs()).isEmpty(); // nothing visible before finish
        upload.finish();

        OutputArtifact big = sink.outputs().getFirst();
        assertThat(big.sizeBytes()).isEqualTo(2_000_000);
        assertThat(store.get(new ArtifactId(big.artifactId()))).hasSize(2_000_000);
        assertThatThrownBy(() -> upload.writeChunk(chunk))
                .satisfies(e -> assertThat(code(e)).isEqualTo("upload_closed"));

        MultipartUpload aborted = sink.openMultipart("gone.bin");
        aborted.writeChunk(utf8("partial"));
        aborted.abort();
        aborted.abort();
        assertThatThrownBy(aborted::finish).satisfies(e -> assertThat(code(e)).isEqualTo("upload_closed"));
        assertThat(sink.outputs()).extracting(OutputArtifact::key).containsExactly("big.bin");
        assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(utf8("partial")))))
                .isFalse();
        scratch.close();
        assertThat(dir.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void theControlPlaneBatchesLogsForHeartbeatsAndReportsCancellation() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
        RelayControlPlane ctrl = new RelayControlPlane(clock);
        assertThat(ctrl.drain().isEmpty()).isTrue();

        ctrl.progress(JsonNodeFactory.instance.objectNode().put("pct", 10));
        ctrl.progress(JsonNodeFactory.instance.objectNode().put("pct", 20));
        ctrl.log(LogLevel.WARN, "careful");
        ctrl.logEvent(
                JsonNodeFactory.instance.objectNode().put("stream", "stdout").put("message", "out"));
        ctrl.logEvent(
                JsonNodeFactory.instance.objectNode().put("level", "bogus").put("code", 7));
        IntStream.range(0, 1500).forEach(i -> ctrl.line(LogLevel.DEBUG, "stderr", "n" + i));

        RelayControlPlane.Batch first = ctrl.drain();
        assertThat(first.progress()).get().hasToString("{\"pct\":20}");
        assertThat(first.logs()).hasSize(Heartbeat.MAX_LINES);
        assertThat(first.logs().subList(0, 3))
                .containsExactly(
                        new LogLine(clock.millis(), LogLevel.WARN, "runner", "careful"),
                        new LogLine(clock.millis(), LogLevel.INFO, "stdout", "out"),
                        new LogLine(clock.millis(), LogLevel.INFO, "runner", "{\"level\":\"bogus\",\"code\":7}"));
        RelayControlPlane.Batch second = ctrl.drain();
        assertThat(second.progress()).isEmpty(); // unchanged since the last batch
        assertThat(second.logs()).hasSize(503);
        ctrl.restore(second); // the heartbeat failed: the lines go back, in order
        assertThat(ctrl.drain().logs()).isEqualTo(second.logs());
        assertThat(ctrl.lastProgress()).get().hasToString("{\"pct\":20}");

        assertThat(ctrl.isCancelled()).isFalse();
        ctrl.cancel();
        assertThat(ctrl.isCancelled()).isTrue();
    }

    @Test
    void aFloodOfLinesIsCappedAndTheLossIsReported() {
        RelayControlPlane ctrl = new RelayControlPlane(Clock.systemUTC());
        IntStream.range(0, RelayControlPlane.MAX_PENDING + 25).forEach(i -> ctrl.line(LogLevel.INFO, "stdout", "x"));

        List<LogLine> first = ctrl.drain().logs();

        assertThat(first.getFirst().message())
                .isEqualTo("25 log lines were dropped: the task logged faster than" + " heartbeats could relay");
        assertThat(first.getFirst().level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void mediaTypesComeFromAFixedTable() {
        assertThat(MediaTypes.guess("dist/app.JAR")).isEqualTo("application/java-archive");
        assertThat(MediaTypes.guess("report.html")).isEqualTo("text/html");
        assertThat(MediaTypes.guess("Makefile")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess("dir.d/noext")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess(".bashrc")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess("trailing.")).isEqualTo(MediaTypes.DEFAULT);
    }

    @Test
    void backoffGrowsWithinItsBounds() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int attempt = 0; attempt < 20; attempt++) {
            long bound = Math.min(1000, 100L << Math.min(attempt, 10));
            assertThat(backoff.delay(attempt).toMillis()).isBetween(bound / 2, bound);
        }
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(RunnerNodeException.class);
    }
}
