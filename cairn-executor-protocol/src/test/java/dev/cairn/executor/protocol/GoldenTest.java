package dev.cairn.executor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files, written by hand from serde's rules: each value is written as its file (compared as
 * JSON trees) and read back from it unchanged.
 */
class GoldenTest {

    record Golden(String file, Class<?> type, Object value) {}

    static final Stream<Golden> GOLDEN = Stream.of(
            new Golden("ArchiveId/archive-id", ArchiveId.class, Values.ARCHIVE),
            new Golden("SnapshotRef/content-id", SnapshotRef.class, Values.TAG),
            new Golden("ArtifactRef/report", ArtifactRef.class, Values.REPORT),
            new Golden("CacheDecision/hit", CacheDecision.class, new CacheDecision.Hit(Values.TAG)),
            new Golden("CacheDecision/miss-build-as", CacheDecision.class, new CacheDecision.MissBuildAs(Values.TAG)),
            new Golden("CacheDecision/miss-no-commit", CacheDecision.class, new CacheDecision.MissNoCommit()),
            new Golden("CommandStep/argv", CommandStep.class, Values.STEP_ARGV),
            new Golden("CommandStep/script", CommandStep.class, Values.STEP_SCRIPT),
            new Golden("ExecutorInput/miss-build-as", ExecutorInput.class, Values.INPUT),
            new Golden("ExecutorInput/chained-hit", ExecutorInput.class, Values.INPUT_CHAINED),
            new Golden("StepResult/built", StepResult.class, Values.BUILT),
            new Golden("CommandTask/hit-with-secrets", CommandTask.class, Values.TASK_HIT),
            new Golden("StepResult/failed", StepResult.class, Values.FAILED),
            new Golden(
                    "ArchiveReadRequest/first-chunk",
                    ArchiveReadRequest.class,
                    new ArchiveReadRequest(Values.ARCHIVE, 0, ArchiveReadRequest.MAX_READ_BYTES)),
            new Golden("ArchiveReadResponse/last-chunk", ArchiveReadResponse.class, Values.LAST_CHUNK),
            new Golden("HostMessage/execute", HostMessage.class, new HostMessage.Execute(Values.INPUT)),
            new Golden(
                    "HostMessage/archive-data", HostMessage.class, new HostMessage.ArchiveData(7, Values.LAST_CHUNK)),
            new Golden(
                    "HostMessage/archive-error",
                    HostMessage.class,
                    new HostMessage.ArchiveError(8, "unknown_archive", "no archive " + Values.ARCHIVE)),
            new Golden("HostMessage/cancel", HostMessage.class, new HostMessage.Cancel()),
            new Golden(
                    "PluginMessage/archive-read",
                    PluginMessage.class,
                    new PluginMessage.ArchiveRead(7, new ArchiveReadRequest(Values.ARCHIVE, 1_048_576, 65_536))),
            new Golden("PluginMessage/result", PluginMessage.class, new PluginMessage.Result(Values.BUILT)),
            new Golden(
                    "PluginMessage/failed",
                    PluginMessage.class,
                    new PluginMessage.Failed("cancelled", "the host cancelled the step", false)));

    @TestFactory
    Stream<DynamicTest> valuesAreWrittenAsTheirGoldenFileAndReadBack() {
        return GOLDEN.map(g -> DynamicTest.dynamicTest(g.file(), () -> {
            String golden = resource("/golden/" + g.file() + ".json");
            assertThat(tree(Wire.write(g.value()))).isEqualTo(tree(golden));
            assertThat(Wire.read(golden, g.type())).isEqualTo(g.value());
        }));
    }

    static JsonNode tree(String json) {
        return Wire.read(json, JsonNode.class);
    }

    static String resource(String path) throws IOException {
        try (InputStream in = GoldenTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
