package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.RunMode;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.RunnerConfig;
import dev.cairn.contracts.RunnerResult;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepView;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionsAndRunnersTest {

    @TempDir
    Path dir;

    @Test
    void aMultiRegionStepRunsOncePerRegionOnThatRegionsRunnersAndIsGatheredPerRegion() throws Exception {
        try (Harness h = new Harness(dir)) {
            TestWorker eu = h.commandWorker("eu-1", Map.of("region", "eu-west-1"));
            TestWorker us = h.commandWorker("us-1", Map.of("region", "us-east-1"));
            String runId = h.submit(
                    """
                    op: probe
                    steps:
                      - id: probe
                        regions: [eu-west-1, us-east-1]
                        run: mkdir -p out && echo "probed $REGION_NOTE" > out/probe.txt
                        env: {REGION_NOTE: here}
                        outputs: [out/probe.txt]
                      - id: collect
                        needs: [probe]
                        inputs: [{step: probe}]
                        run: cat out/probe.txt
                    """);
            RunDetail detail = h.awaitEnd(runId);

            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps())
                    .extracting(StepView::stepId)
                    .containsExactly("probe@eu-west-1", "probe@us-east-1", "collect");
            assertThat(detail.steps())
                    .extracting(StepView::region)
                    .containsExactly(Optional.of("eu-west-1"), Optional.of("us-east-1"), Optional.empty());
            assertThat(eu.taken)
                    .extracting(l -> l.task().label().orElseThrow())
                    .contains("probe@eu-west-1")
                    .doesNotContain("probe@us-east-1");
            assertThat(us.taken)
                    .extracting(l -> l.task().label().orElseThrow())
                    .contains("probe@us-east-1")
                    .doesNotContain("probe@eu-west-1");
            assertThat(eu.taken
                            .getFirst()
                            .task()
                            .capabilityFilters()
                            .get("labels")
                            .get("region")
                            .asText())
                    .isIn("eu-west-1");

            RunSummary summary = h.orchestrator.summary(runId);
            assertThat(summary.jobs())
                    .extracting(JobResult::jobId)
                    .containsExactly("eu-west-1", "us-east-1", "default");
            assertThat(summary.jobs())
                    .extracting(JobResult::region)
                    .containsExactly(Optional.of("eu-west-1"), Optional.of("us-east-1"), Optional.empty());
            for (JobResult job : summary.jobs()) {
                assertThat(job.state()).isEqualTo(RunState.COMPLETED);
                assertThat(job.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunnerStatus.PASS));
            }
            assertThat(summary.jobs().getFirst().results())
                    .extracting(RunnerResult::name)
                    .containsExactly("probe");
            RunStatus status = h.orchestrator.status(runId);
            assertThat(status.totalJobs()).isEqualTo(3);
            assertThat(status.completedJobs()).isEqualTo(3);
        }
    }

    @Test
    void aSeed003RequestRunsItsRunnersByCapabilityAndRegionAndGathersTheirResults() throws Exception {
        try (Harness h = new Harness(dir)) {
            TestWorker.Handler echo = (lease, control) -> {
                control.log("checking " + lease.task().meta().path("url").asText());
                ObjectNode result = JsonNodeFactory.instance.objectNode();
                result.put("status", "pass");
                result.put(
                        "region",
                        lease.task()
                                .capabilityFilters()
                                .path("labels")
                                .path("region")
                                .asText());
                return new TaskOutcome.Succeeded(result, List.of());
            };
            TestWorker.Handler flaky = (lease, control) -> new TaskOutcome.Failed("runner_failed", "no route", false);
            TestWorker.Handler checker = (lease, control) -> new TaskOutcome.Succeeded(
                    JsonNodeFactory.instance.objectNode().put("status", "fail").put("errorMessage", "title missing"),
                    List.of());
            h.worker("eu", Map.of("region", "eu"), Map.of("/check/echo/v1", echo, "/check/flaky/v1", flaky));
            h.worker("us", Map.of("region", "us"), Map.of("/check/echo/v1", echo, "/check/title/v1", checker));

            ObjectNode input = JsonNodeFactory.instance.objectNode().put("url", "https://example.com/");
            RunRequest request = new RunRequest(
                    List.of(
                            new RunnerConfig("/check/echo/v1", Optional.of("eu"), Optional.of(input)),
                            new RunnerConfig("/check/echo/v1", Optional.of("us"), Optional.of(input)),
                            new RunnerConfig("/check/flaky/v1", Optional.of("eu"), Optional.empty()),
                            new RunnerConfig("/check/title/v1", Optional.of("us"), Optional.of(input))),
                    RunMode.REMOTE,
                    Optional.of(1),
                    Optional.of(600_000L),
                    Optional.of(List.of("nightly")),
                    Optional.of("nightly-2026-11-23"));
            String runId = h.orchestrator.submit(request).runId();
            assertThat(runId).hasSize(36);
            assertThat(h.orchestrator.submit(request).runId()).isEqualTo(runId);
            assertThat(h.orchestrator.status("nightly-2026-11-23").runId()).isEqualTo(runId);

            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.opId()).isEqualTo("runners");
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(detail.error().orElseThrow())
                    .contains("/check/flaky/v1@eu")
                    .contains("error");
            assertThat(detail.steps())
                    .extracting(StepView::stepId)
                    .containsExactly(
                            "/check/echo/v1@eu", "/check/echo/v1@us", "/check/flaky/v1@eu", "/check/title/v1@us");

            RunSummary summary = h.orchestrator.summary("nightly-2026-11-23");
            assertThat(summary.state()).isEqualTo(RunState.FAILED);
            assertThat(summary.jobs()).extracting(JobResult::jobId).containsExactly("eu", "us");
            JobResult euJob = summary.jobs().getFirst();
            assertThat(euJob.state()).isEqualTo(RunState.FAILED);
            assertThat(euJob.results())
                    .extracting(RunnerResult::name, RunnerResult::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("/check/echo/v1", RunnerStatus.PASS),
                            org.assertj.core.groups.Tuple.tuple("/check/flaky/v1", RunnerStatus.ERROR));
            assertThat(euJob.results().get(1).errorMessage().orElseThrow()).contains("no route");
            assertThat(euJob.results()
                            .getFirst()
                            .details()
                            .orElseThrow()
                            .get("result")
                            .get("region")
                            .asText())
                    .isEqualTo("eu");
            JobResult usJob = summary.jobs().get(1);
            assertThat(usJob.results())
                    .extracting(RunnerResult::status)
                    .containsExactly(RunnerStatus.PASS, RunnerStatus.FAIL);
            assertThat(usJob.results().get(1).errorMessage()).contains("title missing");
            assertThat(summary.summary().total()).isEqualTo(4);
            assertThat(summary.summary().passed()).isEqualTo(2);
            assertThat(summary.summary().failed()).isEqualTo(1);
            assertThat(summary.summary().errored()).isEqualTo(1);
            RunStatus status = h.orchestrator.status(runId);
            assertThat(status.totalJobs()).isEqualTo(2);
            assertThat(status.completedJobs()).isEqualTo(2);
            assertThat(status.failedJobs()).isEqualTo(2);
        }
    }

    @Test
    void seed003RequestsThatCannotRunAreRefusedWithTypedErrors() throws Exception {
        try (Harness h = new Harness(dir)) {
            RunRequest noRegion = RunRequest.of(RunMode.REMOTE, List.of(RunnerConfig.named("/check/echo/v1")));
            assertThatThrownBy(() -> h.orchestrator.submit(noRegion))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_request");
                        assertThat(e.details().orElseThrow().get("field").asText())
                                .isEqualTo("runners[0].region");
                    });
            RunRequest twice =
                    RunRequest.of(RunMode.LOCAL, List.of(RunnerConfig.named("/a/v1"), RunnerConfig.named("/a/v1")));
            assertThatThrownBy(() -> h.orchestrator.submit(twice))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("invalid_request"));
            ObjectNode secret = JsonNodeFactory.instance.objectNode().put("api_token", "s3cr3t-value-123");
            RunRequest leaky = RunRequest.of(
                    RunMode.LOCAL, List.of(new RunnerConfig("/a/v1", Optional.empty(), Optional.of(secret))));
            assertThatThrownBy(() -> h.orchestrator.submit(leaky))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> {
                        assertThat(e.code()).isEqualTo("secret_in_input");
                        assertThat(e.getMessage()).doesNotContain("s3cr3t");
                        assertThat(e.details()
                                        .orElseThrow()
                                        .get("pointers")
                                        .get(0)
                                        .asText())
                                .isEqualTo("/runners/0/input/api_token");
                    });
            RunRequest first = new RunRequest(
                    List.of(RunnerConfig.named("/a/v1")),
                    RunMode.LOCAL,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("same-id"));
            h.orchestrator.submit(first);
            RunRequest other = new RunRequest(
                    List.of(RunnerConfig.named("/b/v1")),
                    RunMode.LOCAL,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("same-id"));
            assertThatThrownBy(() -> h.orchestrator.submit(other))
                    .isInstanceOfSatisfying(OrchestratorException.class, e -> assertThat(e.code())
                            .isEqualTo("run_id_conflict"));
        }
    }

    @Test
    void aSeed003RunPastItsTimeoutEndsTimedOut() throws Exception {
        try (Harness h = new Harness(dir)) {
            RunRequest request = new RunRequest(
                    List.of(RunnerConfig.named("/check/slow/v1")),
                    RunMode.LOCAL,
                    Optional.empty(),
                    Optional.of(1_000L),
                    Optional.empty(),
                    Optional.empty());
            String runId = h.orchestrator.submit(request).runId();
            Harness.await(() -> h.orchestrator.tasks(runId).size() == 1, "the task");
            assertThat(h.orchestrator.status(runId).state()).isEqualTo(RunState.RUNNING);
            h.clock.advance(java.time.Duration.ofSeconds(2));
            h.orchestrator.sweep();
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(detail.error()).contains("the run's timeout passed");
            RunStatus status = h.orchestrator.status(runId);
            assertThat(status.state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(status.failedJobs()).isEqualTo(1);
            assertThat(h.orchestrator.summary(runId).jobs().getFirst().state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(h.orchestrator.tasks(runId).getFirst().status()).isEqualTo(TaskStatus.CANCELLED);
        }
    }
}
