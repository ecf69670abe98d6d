package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.json.wire.Wire;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.EventsConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-run event sinks: stored with the run at acceptance and handed to the {@link RunListener}
 * whenever the run is driven — when accepted, and again when a restart resumes it — so the node can
 * subscribe them to its event relay.
 */
class RunSinksTest {

    @TempDir
    Path dir;

    private EventSinkConfig sink(String name) {
        JsonNode node = Wire.read(
                "{\"name\":\"" + name + "\",\"jsonl\":{\"path\":\"" + dir.resolve(name + ".jsonl") + "\"}}",
                JsonNode.class);
        return EventsConfigs.parseSink(node, "");
    }

    @Test
    void sinksAreStoredWithTheRunAndToldWheneverItIsDriven() throws Exception {
        List<String> told = new CopyOnWriteArrayList<>();
        try (Harness h = new Harness(
                dir.resolve("home"),
                b -> b.runListener((runId, sinks) -> told.add(
                        runId + ":" + sinks.stream().map(EventSinkConfig::name).toList())))) {
            List<EventSinkConfig> sinks = List.of(sink("audit"), sink("ci"));
            String runId = h.orchestrator
                    .submitPipeline(PipelineRunRequest.of(Harness.spec(LeaseProtocolTest.ONE_STEP), Map.of()), 0, sinks)
                    .runId();
            assertThat(told).containsExactly(runId + ":[audit, ci]");
            assertThat(h.orchestrator.runSinks(runId)).isEqualTo(sinks);

            String plain = h.submit(LeaseProtocolTest.ONE_STEP);
            assertThat(h.orchestrator.runSinks(plain)).isEmpty();
            assertThat(told).contains(plain + ":[]");

            h.restart(); // both runs wait for a runner: resumed on open, and told again
            assertThat(told.stream().filter(t -> t.equals(runId + ":[audit, ci]")))
                    .hasSize(2);

            assertThatThrownBy(() -> h.orchestrator.submitPipeline(
                            PipelineRunRequest.of(Harness.spec(LeaseProtocolTest.ONE_STEP), Map.of()),
                            0,
                            List.of(sink("twice"), sink("twice"))))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
            assertThatThrownBy(() -> h.orchestrator.runSinks("00000000-0000-0000-0000-000000000000"))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_not_found"));
        }
    }
}
