package dev.cairn.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Zod rules, the TypeScript wire habits, and where Cairn's reading is more lenient. */
class ContractsTest {

    @Test
    void runnersMayBeGivenByNameAndAreWrittenAsObjects() {
        RunRunnersRequest legacy = Wire.read("{\"runners\":[\"a\",{\"name\":\"b\"}]}", RunRunnersRequest.class);
        assertThat(legacy).isEqualTo(RunRunnersRequest.of("a", "b"));
        assertThat(Wire.write(legacy)).isEqualTo("{\"runners\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
    }

    @Test
    void emptyOptionalsAreLeftOutAsJavaScriptDoes() {
        assertThat(Wire.write(Values.MINIMAL_REQUEST))
                .isEqualTo("{\"runners\":[{\"name\":\"smoke\"}],\"mode\":\"local\"}");
    }

    @Test
    void nullIsReadAsAbsentThoughTheSchemaRefusesIt() {
        // Zod's .optional() refuses null, and so does the schema; the codec reads it as absent (serde's Option).
        RunRequest request =
                Wire.read("{\"runners\":[{\"name\":\"x\"}],\"mode\":\"local\",\"runId\":null}", RunRequest.class);
        assertThat(request.runId()).isEmpty();
    }

    @Test
    void datesAreWrittenLikeToIsoStringAndKeepMilliseconds() {
        RunStatus status = new RunStatus(
                "r", RunState.QUEUED, 0, 0, 0, Instant.parse("2026-11-23T06:00:00.123456789Z"), Instant.EPOCH);
        assertThat(status.createdAt()).isEqualTo(Instant.parse("2026-11-23T06:00:00.123Z"));
        assertThat(Wire.write(status))
                .contains("\"createdAt\":\"2026-11-23T06:00:00.123Z\"", "\"updatedAt\":\"1970-01-01T00:00:00.000Z\"");
        assertThat(Wire.read(Wire.write(status), RunStatus.class)).isEqualTo(status);
    }

    @Test
    void numbersAreWrittenLikeJsonStringify() {
        RunnerResult whole =
                new RunnerResult("a", RunnerStatus.PASS, Optional.empty(), Optional.empty(), Optional.of(1200d));
        assertThat(Wire.write(whole)).endsWith("\"durationMs\":1200}");
        RunnerResult fraction =
                new RunnerResult("a", RunnerStatus.PASS, Optional.empty(), Optional.empty(), Optional.of(0.25));
        assertThat(Wire.write(fraction)).endsWith("\"durationMs\":0.25}");
        assertThat(Wire.read("{\"name\":\"a\",\"status\":\"pass\",\"durationMs\":1200}", RunnerResult.class))
                .isEqualTo(whole);
        assertThatThrownBy(() -> new RunnerResult(
                        "a", RunnerStatus.PASS, Optional.empty(), Optional.empty(), Optional.of(Double.NaN)))
                .isInstanceOf(ContractException.class)
                .hasMessage("durationMs must be a finite number, got NaN");
    }

    @Test
    void zodRulesAreConstructorRules() {
        List<RunnerConfig> one = List.of(RunnerConfig.named("a"));
        assertThatThrownBy(() -> RunRequest.of(RunMode.LOCAL, List.of()))
                .isInstanceOf(ContractException.class)
                .hasMessage("runners must list at least one runner");
        assertThatThrownBy(() -> RunnerConfig.named("")).hasMessage("name must not be empty");
        assertThatThrownBy(() -> new RunRequest(
                        one, RunMode.LOCAL, Optional.of(-2), Optional.empty(), Optional.empty(), Optional.empty()))
                .hasMessage("concurrency must be a positive integer, got -2");
        assertThatThrownBy(() -> new RunRequest(
                        one,
                        RunMode.LOCAL,
                        Optional.empty(),
                        Optional.of(1L << 53),
                        Optional.empty(),
                        Optional.empty()))
                .hasMessage("timeout must be a positive integer, got 9007199254740992");
        assertThatThrownBy(() -> new RunRequest(
                        one,
                        RunMode.LOCAL,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(Arrays.asList("a", null)),
                        Optional.empty()))
                .hasMessage("tags[1] must not be null");
        assertThatThrownBy(() -> new ResultCounts(1, -1, 0, 0)).hasMessage("passed must not be negative, got -1");
        assertThatThrownBy(() -> new RunRunnersRequest(
                        Optional.of("not a url"),
                        List.of(RunnerConfigRequest.named("a")),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()))
                .hasMessageStartingWith("url must be a URL, got `not a url`");
        assertThat(RunState.TIMED_OUT.terminal()).isTrue();
        assertThat(RunState.RUNNING.terminal()).isFalse();
        assertThat(Wire.write(RunState.TIMED_OUT)).isEqualTo("\"timed_out\"");
    }

    @Test
    void recordsDoNotShareMutableState() {
        ObjectNode input = Values.object("url", "https://example.com");
        List<RunnerConfig> runners =
                new ArrayList<>(List.of(new RunnerConfig("a", Optional.empty(), Optional.of(input))));
        RunRequest request = RunRequest.of(RunMode.REMOTE, runners);
        input.put("url", "changed");
        runners.clear();
        assertThat(request.runners()).hasSize(1);
        assertThat(request.runners().getFirst().input().orElseThrow().get("url").textValue())
                .isEqualTo("https://example.com");
    }

    @Test
    void theOpenApiDocumentIsOnTheClasspath() {
        assertThat(Contracts.openApiYaml()).startsWith("openapi: 3.1.0");
    }
}
