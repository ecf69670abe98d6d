package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunTest {

    @TempDir
    Path dir;

    static final String FAN_OUT =
            """
            op: fan
            params:
              greeting: {default: Hello}
            settings: {mode: parallel, max_concurrency: 4}
            env: {GREETING: "${{ params.greeting }}"}
            steps:
              - id: split
                inputs: [{artifact: %s, to: names.txt}]
                run: |
                  mkdir -p parts
                  i=0
                  while read -r name; do i=$((i+1)); echo "$name" > parts/$i.txt; done < names.txt
                  echo "split into $i parts"
                outputs: ["parts/*.txt"]
              - id: greet_1
                needs: [split]
                inputs: [{step: split, files: parts/1.txt}]
                run: mkdir -p out && echo "$GREETING, $(cat parts/1.txt)!" > out/1.txt
                outputs: [out/1.txt]
              - id: greet_2
                needs: [split]
                inputs: [{step: split, files: parts/2.txt}]
                run: mkdir -p out && echo "$GREETING, $(cat parts/2.txt)!" > out/2.txt
                outputs: [out/2.txt]
              - id: tool
                run: printf '#!/bin/sh\\necho tool-ok\\n' > tool.sh && chmod +x tool.sh
                outputs: [tool.sh]
              - id: join
                needs: [greet_1, greet_2, tool]
                inputs:
                  - {step: greet_1}
                  - {step: greet_2}
                  - {step: tool, to: bin}
                run: |
                  ./bin/tool.sh
                  cat out/1.txt out/2.txt > report.txt
                  cat report.txt
                outputs: [report.txt]
            """;

    @Test
    void aFanOutAndJoinRunsToCompletionAndItsViewsSaySo() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Harness h = new Harness(dir, b -> b.meters(meters))) {
            ArtifactId names = h.orchestrator
                    .artifacts()
                    .put(new ArtifactKind.Output(), "Ada\nGrace\n".getBytes(StandardCharsets.UTF_8));
            h.commandWorker("w1", Map.of());
            h.commandWorker("w2", Map.of());
            String runId = h.submit(FAN_OUT.formatted(names.value()), Map.of("greeting", "Bonjour"));

            RunDetail detail = h.awaitEnd(runId);

            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.opId()).isEqualTo("fan");
            assertThat(detail.error()).isEmpty();
            assertThat(detail.completedAt()).isPresent();
            assertThat(detail.steps())
                    .extracting(StepView::stepId)
                    .containsExactly("split", "greet_1", "greet_2", "tool", "join");
            for (StepView step : detail.steps()) {
                assertThat(step.state()).as(step.stepId()).isEqualTo(StepState.COMPLETED);
                assertThat(step.attempt()).as(step.stepId()).isEqualTo(1);
                assertThat(step.exitCode()).as(step.stepId()).contains(0);
                assertThat(step.startedAt()).as(step.stepId()).isPresent();
                assertThat(step.endedAt()).as(step.stepId()).isPresent();
            }
            StepView join = detail.steps().getLast();
            assertThat(join.logTail())
                    .extracting(l -> l.message())
                    .containsExactly("tool-ok", "Bonjour, Ada!", "Bonjour, Grace!");
            StepView split = detail.steps().getFirst();
            assertThat(split.logTail()).extracting(l -> l.message()).containsExactly("split into 2 parts");
            assertThat(detail.headSeq())
                    .isEqualTo(h.orchestrator
                            .events(runId, 0, 10_000, java.time.Duration.ZERO)
                            .size());

            RunSummary summary = h.orchestrator.summary(runId);
            assertThat(summary.state()).isEqualTo(RunState.COMPLETED);
            assertThat(summary.jobs()).hasSize(1);
            JobResult job = summary.jobs().getFirst();
            assertThat(job.region()).isEmpty();
            assertThat(job.state()).isEqualTo(RunState.COMPLETED);
            assertThat(job.results())
                    .extracting(r -> r.name())
                    .containsExactly("split", "greet_1", "greet_2", "tool", "join");
            assertThat(job.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunnerStatus.PASS));
            assertThat(summary.summary().total()).isEqualTo(5);
            assertThat(summary.summary().passed()).isEqualTo(5);
            assertThat(summary.completedAt()).isPresent();
            var report = job.results()
                    .getLast()
                    .details()
                    .orElseThrow()
                    .get("outputs")
                    .get(0);
            assertThat(report.get("key").asText()).isEqualTo("report.txt");
            String text = new String(
                    h.orchestrator
                            .artifacts()
                            .get(new ArtifactId(report.get("artifact_id").asText())),
                    StandardCharsets.UTF_8);
            assertThat(text).isEqualTo("Bonjour, Ada!\nBonjour, Grace!\n");

            RunStatus status = h.orchestrator.status(runId);
            assertThat(status.state()).isEqualTo(RunState.COMPLETED);
            assertThat(status.totalJobs()).isEqualTo(1);
            assertThat(status.completedJobs()).isEqualTo(1);
            assertThat(status.failedJobs()).isZero();

            assertThat(h.orchestrator.tasks(runId))
                    .extracting(TaskQueue.TaskInfo::stepId)
                    .containsExactlyInAnyOrder("split", "greet_1", "greet_2", "tool", "join");

            // a move is counted by the thread that made it, just after its commit, so the run's end
            // can be read before the last counts land: wait for them, then check them exactly
            Harness.await(
                    () ->
                            meters
                                                    .find("cairn.tasks.transitions")
                                                    .tag("from", "leased")
                                                    .tag("to", "succeeded")
                                                    .counters()
                                                    .stream()
                                                    .mapToDouble(c -> c.count())
                                                    .sum()
                                            >= 5
                                    && meters.find("cairn.runs.transitions").tag("to", "completed").counters().stream()
                                                    .mapToDouble(c -> c.count())
                                                    .sum()
                                            >= 1,
                    "the run's moves to be counted");
            assertThat(meters.get("cairn.runs.accepted")
                            .tag("kind", "pipeline")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(meters.get("cairn.tasks.transitions")
                            .tag("from", "leased")
                            .tag("to", "succeeded")
                            .counter()
                            .count())
                    .isEqualTo(5);
            assertThat(meters.get("cairn.runs.transitions")
                            .tag("to", "completed")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(meters.get("cairn.tasks").tag("status", "queued").gauge().value())
                    .isZero();
        }
    }
}
