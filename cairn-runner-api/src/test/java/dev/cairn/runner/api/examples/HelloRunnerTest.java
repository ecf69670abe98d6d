package dev.cairn.runner.api.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.runner.api.ArtifactSink;
import dev.cairn.runner.api.ControlPlane;
import dev.cairn.runner.api.InputSource;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.api.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The seed's HelloRunner against simple in-memory test doubles of the ports (a map of inputs, a map
 * of artifacts, a list of progress reports): these stand in for domain storage in a unit test of the
 * example, nothing more.
 */
class HelloRunnerTest {

    private final Map<String, byte[]> stored = new HashMap<>();
    private final Map<String, byte[]> uploaded = new HashMap<>();
    private final List<JsonNode> progress = new CopyOnWriteArrayList<>();

    private final InputSource input = cid -> {
        byte[] bytes = stored.get(cid);
        if (bytes == null) {
            throw RunnerException.inputNotFound(cid);
        }
        return bytes;
    };

    private final ArtifactSink output = new ArtifactSink() {
        @Override
        public void putBytes(String relPath, byte[] bytes) {
            uploaded.put(ArtifactSink.requireRelativePath(relPath), bytes.clone());
        }

        @Override
        public void putFile(String relPath, Path file) {
            throw new AssertionError("HelloRunner uploads bytes");
        }
    };

    private final ControlPlane ctrl = new ControlPlane() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void progress(JsonNode value) {
            progress.add(value);
        }

        @Override
        public void logEvent(JsonNode fields) {}
    };

    private TaskCtx ctx(List<String> cids) {
        TaskSpec task = TaskSpec.builder(
                        UUID.fromString("6f1c2a8e-3b4d-4c5e-9f60-7a8b9c0d1e2f"), HelloRunner.CAPABILITY)
                .inputsCids(cids)
                .build();
        return new TaskCtx(LeaseEnvelope.builder(task).build(), input, output, ctrl);
    }

    private static JsonNode status(String value) {
        return JsonNodeFactory.instance.objectNode().put("status", value);
    }

    @Test
    void copiesTheFirstInputToHelloBinAndReportsProgress() {
        stored.put("bafkreihello", "hello, cairn".getBytes(StandardCharsets.UTF_8));
        stored.put("bafkreiother", "ignored".getBytes(StandardCharsets.UTF_8));
        HelloRunner runner = new HelloRunner();

        runner.run(ctx(List.of("bafkreihello", "bafkreiother")));

        assertThat(runner.capability()).isEqualTo("/examples/hello/v1");
        assertThat(uploaded).containsOnlyKeys("outputs/hello.bin");
        assertThat(new String(uploaded.get("outputs/hello.bin"), StandardCharsets.UTF_8))
                .isEqualTo("hello, cairn");
        assertThat(progress).containsExactly(status("started"), status("finished"));
    }

    @Test
    void aTaskWithoutInputsFailsWithATypedError() {
        assertThatThrownBy(() -> new HelloRunner().run(ctx(List.of())))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("has no inputs_cids")
                .extracting(e -> ((RunnerException) e).code())
                .isEqualTo("missing_input");
        assertThat(progress).containsExactly(status("started"));
        assertThat(uploaded).isEmpty();
    }

    @Test
    void aMissingInputPropagatesTheSourcesError() {
        assertThatThrownBy(() -> new HelloRunner().run(ctx(List.of("bafkreigone"))))
                .isInstanceOf(RunnerException.class)
                .extracting(e -> ((RunnerException) e).code())
                .isEqualTo("input_not_found");
        assertThat(uploaded).isEmpty();
    }
}
