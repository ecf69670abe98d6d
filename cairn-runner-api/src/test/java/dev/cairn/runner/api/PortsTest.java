package dev.cairn.runner.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ports' default methods and their object-safety equivalents (lambdas, anonymous classes). */
class PortsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String code(Throwable e) {
        return ((RunnerException) e).code();
    }

    @Test
    void anInputSourceIsALambdaAndMaterializesToATemporaryFile() throws IOException {
        InputSource source = cid -> utf8("content of " + cid);
        Path file;
        Path dir;
        try (MaterializedInput input = source.materialize("bafkreiabc")) {
            file = input.path();
            dir = input.rootDir();
            assertThat(input.cid()).isEqualTo("bafkreiabc");
            assertThat(file.getFileName().toString()).isEqualTo("cid-bafkreiabc");
            assertThat(file.getParent()).isEqualTo(dir);
            assertThat(Files.readString(file)).isEqualTo("content of bafkreiabc");
            assertThat(input.deleteOnClose()).isTrue();
            assertThat(input.name()).isEmpty();
        }
        assertThat(file).doesNotExist();
        assertThat(dir).doesNotExist();
    }

    @Test
    void materializeStreamsThroughOpenStreamWhenOverridden() throws IOException {
        InputSource streaming = new InputSource() {
            @Override
            public byte[] getBytesByCid(String cid) {
                throw new AssertionError("materialize must stream, not load the object whole");
            }

            @Override
            public InputStream openStream(String cid) {
                return new ByteArrayInputStream(new byte[1 << 20]);
            }
        };
        try (MaterializedInput input = streaming.materialize("big")) {
            assertThat(Files.size(input.path())).isEqualTo(1 << 20);
        }
    }

    @Test
    void aCidNeverChoosesWhereTheFileLands() {
        InputSource source = cid -> utf8("x");
        try (MaterializedInput input = source.materialize("../../etc/passwd")) {
            assertThat(input.path().getFileName().toString()).isEqualTo("input");
            assertThat(input.path().getParent()).isEqualTo(input.rootDir());
        }
    }

    @Test
    void materializeAllCleansUpWhenOneInputFails() {
        InMemoryInputSource source =
                new InMemoryInputSource().put("a", utf8("A")).put("b", utf8("B"));
        try (MaterializedInputs inputs = source.materializeAll(List.of("a", "b"))) {
            assertThat(inputs.inputs()).extracting(MaterializedInput::cid).containsExactly("a", "b");
            assertThat(inputs.paths()).allSatisfy(p -> assertThat(p).exists());
        }

        AtomicInteger created = new AtomicInteger();
        List<Path> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        InputSource tracking = new InputSource() {
            @Override
            public byte[] getBytesByCid(String cid) {
                return source.getBytesByCid(cid);
            }

            @Override
            public MaterializedInput materialize(String cid) {
                MaterializedInput input = InputSource.super.materialize(cid);
                created.incrementAndGet();
                seen.add(input.path());
                return input;
            }
        };
        assertThatThrownBy(() -> tracking.materializeAll(List.of("a", "missing")))
                .isInstanceOf(RunnerException.class)
                .extracting(PortsTest::code)
                .isEqualTo("input_not_found");
        assertThat(created).hasValue(1);
        assertThat(seen.get(0)).doesNotExist();
    }

    @Test
    void aFailedFetchLeavesNoTemporaryDirectoryBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        InputSource failing = cid -> {
            throw RunnerException.inputUnavailable(cid, new IOException("connection reset"));
        };
        long before;
        try (var list = Files.list(tmp)) {
            before = list.filter(p -> p.getFileName().toString().startsWith("cairn-input-"))
                    .count();
        }
        assertThatThrownBy(() -> failing.materialize("bafkrei"))
                .isInstanceOf(RunnerException.class)
                .satisfies(e -> assertThat(((RunnerException) e).retryable()).isTrue());
        try (var list = Files.list(tmp)) {
            assertThat(list.filter(p -> p.getFileName().toString().startsWith("cairn-input-"))
                            .count())
                    .isLessThanOrEqualTo(before);
        }
    }

    @Test
    void anInputThatIsNotOwnedIsLeftOnClose(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("kept.bin"), "keep me");
        MaterializedInput input = MaterializedInput.of("cid", file);
        assertThat(input.rootDir()).isEqualTo(dir.toAbsolutePath());
        input.close();
        assertThat(file).exists();
    }

    @Test
    void closingATemporaryInputRemovesExtractedTreesAndRelatedFiles(@TempDir Path parent) throws IOException {
        Path root = Files.createDirectory(parent.resolve("root"));
        Path file = Files.writeString(root.resolve("data.zip"), "zip");
        Path related = Files.writeString(root.resolve("data.json"), "{}");
        Path extracted = Files.createDirectories(root.resolve("x/y"));
        Files.writeString(extracted.resolve("f"), "f");
        MaterializedInput input = new MaterializedInput(
                "cid",
                file,
                java.util.Optional.of("d1"),
                java.util.Optional.of("data.zip"),
                java.util.Optional.of("zip"),
                java.util.Optional.empty(),
                root,
                List.of(related),
                List.of(root.resolve("x")),
                true);
        input.close();
        input.close();
        assertThat(root).doesNotExist();
    }

    @Test
    void multipartIsOptionalAndRefusedByDefault() {
        ArtifactSink wholeOnly = new ArtifactSink() {
            @Override
            public void putBytes(String relPath, byte[] bytes) {}

            @Override
            public void putFile(String relPath, Path file) {}
        };
        assertThatThrownBy(() -> wholeOnly.openMultipart("outputs/big.bin"))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("multipart not supported")
                .hasMessageContaining("outputs/big.bin")
                .extracting(PortsTest::code)
                .isEqualTo("multipart_unsupported");
    }

    @Test
    void multipartUploadsCommitOnFinishOnly() {
        InMemoryArtifactSink sink = new InMemoryArtifactSink();
        MultipartUpload upload = sink.openMultipart("outputs/big.bin");
        upload.writeChunk(utf8("hello, "));
        upload.writeChunk(utf8("world"));
        assertThat(sink.artifact("outputs/big.bin")).isEmpty();
        upload.finish();
        assertThat(sink.artifact("outputs/big.bin"))
                .hasValueSatisfying(
                        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("hello, world"));
        assertThatThrownBy(() -> upload.writeChunk(utf8("late")))
                .extracting(PortsTest::code)
                .isEqualTo("upload_closed");

        MultipartUpload aborted = sink.openMultipart("outputs/aborted.bin");
        aborted.writeChunk(utf8("partial"));
        aborted.abort();
        aborted.abort();
        assertThatThrownBy(aborted::finish).extracting(PortsTest::code).isEqualTo("upload_closed");
        assertThat(sink.artifact("outputs/aborted.bin")).isEmpty();
    }

    @Test
    void artifactKeysAreRelativePathsInsideThePrefix() {
        assertThat(ArtifactSink.requireRelativePath("outputs/hello.bin")).isEqualTo("outputs/hello.bin");
        assertThat(ArtifactSink.requireRelativePath("a.b/c-d_e")).isEqualTo("a.b/c-d_e");
        for (String bad : List.of("", "/etc/passwd", "../up", "a/../../b", "a//b", "a/./b", "a/", "a\\b", "a\0b")) {
            assertThatThrownBy(() -> ArtifactSink.requireRelativePath(bad))
                    .as(bad)
                    .isInstanceOf(RunnerException.class)
                    .extracting(PortsTest::code)
                    .isEqualTo("invalid_artifact_key");
        }
        assertThatThrownBy(() -> ArtifactSink.requireRelativePath(null)).isInstanceOf(RunnerException.class);
    }

    @Test
    void putFileUploadsTheFilesContent(@TempDir Path dir) throws IOException {
        InMemoryArtifactSink sink = new InMemoryArtifactSink();
        sink.putFile("outputs/f.txt", Files.writeString(dir.resolve("f.txt"), "file body"));
        assertThat(sink.artifact("outputs/f.txt"))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("file body")));
    }

    @Test
    void logIsAStructuredLogEvent() {
        RecordingControlPlane ctrl = new RecordingControlPlane();
        ctrl.log(LogLevel.WARN, "disk almost full");
        assertThat(ctrl.logs)
                .containsExactly(JsonNodeFactory.instance
                        .objectNode()
                        .put("level", "warn")
                        .put("message", "disk almost full"));
        assertThatThrownBy(() -> ctrl.log(null, "x")).isInstanceOf(RunnerException.class);
    }

    @Test
    void aRunnerIsAnAnonymousClassThatObservesCancellation() {
        RecordingControlPlane ctrl = new RecordingControlPlane();
        Runner counting = new Runner() {
            @Override
            public String capability() {
                return "/count/v1";
            }

            @Override
            public void run(TaskCtx ctx) {
                for (int i = 0; i < 10; i++) {
                    if (ctx.ctrl().isCancelled()) {
                        throw RunnerException.cancelled(ctx.task().id().toString());
                    }
                    ctx.ctrl().progress(JsonNodeFactory.instance.numberNode(i));
                    if (i == 2) {
                        ((RecordingControlPlane) ctx.ctrl()).cancelled.set(true);
                    }
                }
            }
        };
        TaskCtx ctx = new TaskCtx(
                LeaseEnvelope.builder(
                                TaskSpec.builder(UUID.randomUUID(), "/count/v1").build())
                        .build(),
                new InMemoryInputSource(),
                new InMemoryArtifactSink(),
                ctrl);
        assertThatThrownBy(() -> counting.run(ctx)).extracting(PortsTest::code).isEqualTo("cancelled");
        assertThat(ctrl.progress).hasSize(3);
    }

    @Test
    void aTaskContextNeedsAllFourParts() {
        LeaseEnvelope lease = LeaseEnvelope.builder(
                        TaskSpec.builder(UUID.randomUUID(), "/x/v1").build())
                .build();
        assertThatThrownBy(() -> new TaskCtx(lease, null, new InMemoryArtifactSink(), new RecordingControlPlane()))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("input");
        TaskCtx ctx =
                new TaskCtx(lease, new InMemoryInputSource(), new InMemoryArtifactSink(), new RecordingControlPlane());
        assertThat(ctx.task()).isSameAs(lease.task());
    }

    @Test
    void errorsCarryCodesHintsAndRetryability() {
        RunnerException unavailable = RunnerException.inputUnavailable("c", new IOException("reset"));
        assertThat(unavailable.code()).isEqualTo("input_unavailable");
        assertThat(unavailable.retryable()).isTrue();
        assertThat(unavailable.hint()).isNotEmpty();
        assertThat(unavailable.getMessage()).contains("c").contains("reset");
        RunnerException failed = RunnerException.failed("model diverged", false);
        assertThat(failed.code()).isEqualTo("runner_failed");
        assertThat(failed.retryable()).isFalse();
        assertThat(RunnerApi.MODULE_NAME).isEqualTo("cairn-runner-api");
    }
}
