package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunListItem;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.RunManifest;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.orchestrator.api.RunQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionAndListingTest {

    @TempDir
    Path dir;

    private static Consumer<Throwable> code(String code) {
        return e -> assertThat(((OrchestratorException) e).code()).isEqualTo(code);
    }

    @Test
    void anInvalidSpecIsRefusedWithEveryErrorPositionedAndNothingIsStored() throws Exception {
        try (Harness h = new Harness(dir)) {
            ObjectNode spec = (ObjectNode) Harness.spec(LeaseProtocolTest.ONE_STEP);
            ((ObjectNode) spec.get("steps").get(0)).put("timeout", "10 min");
            ((ObjectNode) spec.get("steps").get(0)).putArray("needs").add("biuld");
            assertThatThrownBy(() -> h.orchestrator.submitPipeline(PipelineRunRequest.of(spec, Map.of())))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_spec");
                        JsonNode errors = e.details().orElseThrow().get("errors");
                        List<String> codes = new ArrayList<>();
                        errors.forEach(err -> codes.add(err.get("code").asText()));
                        assertThat(codes).contains("invalid_duration", "unknown_step");
                        errors.forEach(err -> {
                            assertThat(err.get("line").asInt()).isPositive();
                            assertThat(err.get("column").asInt()).isPositive();
                            assertThat(err.get("path").asText()).startsWith("/steps/0/");
                            assertThat(err.get("hint").asText()).isNotBlank();
                        });
                    });
            assertThatThrownBy(() -> h.orchestrator.submitPipeline(
                            PipelineRunRequest.of(JsonNodeFactory.instance.arrayNode(), Map.of())))
                    .satisfies(code("invalid_request"));
            assertThatThrownBy(() -> h.orchestrator.submitPipeline(
                            PipelineRunRequest.of(Harness.spec(LeaseProtocolTest.ONE_STEP), Map.of("nope", "1"))))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_spec");
                        assertThat(e.details()
                                        .orElseThrow()
                                        .get("errors")
                                        .get(0)
                                        .get("code")
                                        .asText())
                                .isEqualTo("unknown_param_value");
                    });
            assertThat(h.orchestrator.runs(RunQuery.firstPage(10)).runs()).isEmpty();
        }
    }

    @Test
    void localInputsMustBeUploadedFirst() throws Exception {
        try (Harness h = new Harness(dir)) {
            JsonNode spec = Harness.spec(
                    """
                    op: local
                    steps:
                      - id: build
                        inputs: [{path: src, to: src}]
                        run: ls src
                    """);
            assertThatThrownBy(() -> h.orchestrator.submitPipeline(PipelineRunRequest.of(spec, Map.of())))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_request");
                        assertThat(e.details().orElseThrow().get("field").asText())
                                .isEqualTo("/spec/steps/0/inputs/0/path");
                        assertThat(e.hint()).contains("artifact");
                    });
        }
    }

    @Test
    void unknownRunsAreRunNotFoundEverywhere() throws Exception {
        try (Harness h = new Harness(dir)) {
            String unknown = "2b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
            List<Runnable> calls = List.of(
                    () -> h.orchestrator.status(unknown),
                    () -> h.orchestrator.summary(unknown),
                    () -> h.orchestrator.detail(unknown),
                    () -> h.orchestrator.cancel(unknown),
                    () -> h.orchestrator.resume(unknown),
                    () -> h.orchestrator.replay(unknown),
                    () -> h.orchestrator.status("not-a-uuid-and-not-submitted"),
                    () -> h.orchestrator.status(""));
            for (Runnable call : calls) {
                assertThatThrownBy(call::run).satisfies(code("run_not_found"));
            }
        }
    }

    @Test
    void theSameRunIdWithTheSameRequestIsTheSameRunAndWithAnotherIsAConflict() throws Exception {
        try (Harness h = new Harness(dir)) {
            String id = "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30";
            String spec =
                    """
                    op: once
                    params:
                      who: {default: world}
                    steps:
                      - id: work
                        capability: /test/work/v1
                    """;
            PipelineRunRequest request = new PipelineRunRequest(
                    Harness.spec(spec), new TreeMap<>(Map.of("who", "Ada")), false, Optional.of(id));
            assertThat(h.orchestrator.submitPipeline(request).runId()).isEqualTo(id);
            assertThat(h.orchestrator.submitPipeline(request).runId()).isEqualTo(id);
            PipelineRunRequest other = new PipelineRunRequest(
                    Harness.spec(spec), new TreeMap<>(Map.of("who", "Grace")), false, Optional.of(id));
            assertThatThrownBy(() -> h.orchestrator.submitPipeline(other)).satisfies(code("run_id_conflict"));
            assertThat(h.orchestrator.runs(RunQuery.firstPage(10)).runs()).hasSize(1);
        }
    }

    @Test
    void theManifestHoldsTheParamsAndTheStoredSpecButNoSecrets() throws Exception {
        try (Harness h = new Harness(dir)) {
            String runId = h.submit(
                    """
                    op: manifest
                    version: "2.1"
                    params:
                      count: {type: number, default: 2}
                      label: {default: x}
                    steps:
                      - id: work
                        capability: /test/work/v1
                        secrets: [DEPLOY_TOKEN]
                    """,
                    Map.of("count", "3"));
            Harness.await(() -> h.orchestrator.detail(runId).headSeq() > 0, "RunStarted");
            Event first =
                    h.orchestrator.events(runId, 0, 1, Duration.ZERO).getFirst().event();
            KernelEvent.RunStarted started = (KernelEvent.RunStarted) ((Event.Kernel) first).event();
            RunManifest manifest = Wire.read(h.orchestrator.artifacts().get(started.manifestId()), RunManifest.class);
            assertThat(manifest.opVersion()).isEqualTo("2.1");
            assertThat(manifest.inputParams().get("params").get("count").asInt())
                    .isEqualTo(3);
            assertThat(manifest.inputParams().get("params").get("label").asText())
                    .isEqualTo("x");
            ArtifactId specId =
                    new ArtifactId(manifest.inputParams().get("pipeline").asText());
            JsonNode stored = Wire.read(h.orchestrator.artifacts().get(specId), JsonNode.class);
            assertThat(stored.get("op").asText()).isEqualTo("manifest");
            assertThat(stored.get("steps").get(0).get("secrets").get(0).asText())
                    .contains("DEPLOY_TOKEN");
            assertThat(manifest.runConfig().retryPolicy()).isEqualTo(Planner.KERNEL_RETRY);
        }
    }

    @Test
    void runsAreListedNewestFirstInStablePagesAndCanBeFilteredByState() throws Exception {
        try (Harness h = new Harness(dir)) {
            List<String> submitted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                submitted.add(h.submit(LeaseProtocolTest.ONE_STEP));
            }
            h.orchestrator.cancel(submitted.get(1));
            h.awaitEnd(submitted.get(1));

            RunPage first = h.orchestrator.runs(RunQuery.firstPage(2));
            assertThat(first.runs()).extracting(RunListItem::runId).containsExactly(submitted.get(4), submitted.get(3));
            String later = h.submit(LeaseProtocolTest.ONE_STEP); // does not shift the pages already handed out
            RunPage second = h.orchestrator.runs(new RunQuery(Optional.empty(), 2, first.nextCursor()));
            assertThat(second.runs())
                    .extracting(RunListItem::runId)
                    .containsExactly(submitted.get(2), submitted.get(1));
            RunPage third = h.orchestrator.runs(new RunQuery(Optional.empty(), 2, second.nextCursor()));
            assertThat(third.runs()).extracting(RunListItem::runId).containsExactly(submitted.get(0));
            assertThat(third.nextCursor()).isEmpty();
            assertThat(h.orchestrator
                            .runs(RunQuery.firstPage(1))
                            .runs()
                            .getFirst()
                            .runId())
                    .isEqualTo(later);

            RunPage failed = h.orchestrator.runs(new RunQuery(Optional.of(RunState.FAILED), 10, Optional.empty()));
            assertThat(failed.runs()).extracting(RunListItem::runId).containsExactly(submitted.get(1));
            RunListItem item = failed.runs().getFirst();
            assertThat(item.totalSteps()).isEqualTo(1);
            assertThat(item.completedSteps()).isZero();
            assertThat(item.completedAt()).isPresent();
            assertThat(h.orchestrator
                            .runs(new RunQuery(Optional.of(RunState.COMPLETED), 10, Optional.empty()))
                            .runs())
                    .isEmpty();
            for (String bad : List.of("abc", "0", "-3", "9".repeat(30))) {
                assertThatThrownBy(() -> h.orchestrator.runs(new RunQuery(Optional.empty(), 2, Optional.of(bad))))
                        .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                            assertThat(e.code()).isEqualTo("invalid_cursor");
                            assertThat(e.retryable()).isFalse();
                            assertThat(e.hint()).contains("next_cursor");
                            assertThat(e.details().orElseThrow().path("field").asText())
                                    .isEqualTo("cursor");
                        });
            }
        }
    }

    @Test
    void aDryRunSkipsTheStepsThatApplySideEffects() throws Exception {
        try (Harness h = new Harness(dir)) {
            h.commandWorker("w", Map.of());
            JsonNode spec = Harness.spec(
                    """
                    op: release
                    steps:
                      - id: build
                        run: echo built
                      - id: publish
                        needs: [build]
                        side_effect: apply_side_effect
                        run: echo published
                      - id: report
                        needs: [publish]
                        run: echo reported
                    """);
            String runId = h.orchestrator
                    .submitPipeline(new PipelineRunRequest(spec, new TreeMap<>(), true, Optional.empty()))
                    .runId();
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps())
                    .extracting(StepView::state)
                    .containsExactly(StepState.COMPLETED, StepState.SKIPPED, StepState.COMPLETED);
            assertThat(h.orchestrator.tasks(runId))
                    .extracting(TaskQueue.TaskInfo::stepId)
                    .containsExactly("build", "report");
        }
    }

    @Test
    void aClosedOrchestratorRefusesCallsRetryably() throws Exception {
        Harness h = new Harness(dir);
        h.close();
        assertThatThrownBy(() -> h.orchestrator.runs(RunQuery.firstPage(1)))
                .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                    assertThat(e.code()).isEqualTo("orchestrator_closed");
                    assertThat(e.retryable()).isTrue();
                });
        assertThatThrownBy(() -> h.orchestrator
                        .leases()
                        .acquire(dev.cairn.runner.api.lease.AcquireRequest.of("w", List.of("command"), Map.of())))
                .isInstanceOfSatisfying(dev.cairn.runner.api.lease.LeaseException.class, e -> {
                    assertThat(e.code()).isEqualTo("lease_service_unavailable");
                    assertThat(e.retryable()).isTrue();
                });
    }
}
