package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.orchestrator.embedded.RunIndex.StepInfo;
import dev.cairn.orchestrator.embedded.RunProjection.RunRow;
import dev.cairn.orchestrator.embedded.RunProjection.StepRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Checks the runs index against the event log: the stored rows equal the fold of every event. */
final class Consistency {

    private Consistency() {}

    /**
     * Checks the run's index against a fold of its log. The index and the log are read in two
     * transactions, and the run may still be appending: the check uses an index read between two
     * reads of the log that found the same head, so no append (which writes both in one
     * transaction) came between them.
     */
    static void assertIndexMatchesLog(EmbeddedOrchestrator orchestrator, String runId) {
        List<EventEnvelope> log = log(orchestrator, runId);
        EmbeddedOrchestrator.Indexed stored = orchestrator.indexed(runId);
        for (int attempt = 0; ; attempt++) {
            List<EventEnvelope> again = log(orchestrator, runId);
            if (again.size() == log.size()) {
                break;
            }
            assertThat(attempt)
                    .as("run %s kept appending while its index was read", runId)
                    .isLessThan(1000);
            log = again;
            stored = orchestrator.indexed(runId);
        }
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).seq()).as("contiguous seq").isEqualTo(i + 1);
        }
        RunRow run = new RunRow(
                runId,
                stored.run().kind(),
                stored.run().opId(),
                RunProjection.ACCEPTED,
                stored.run().createdAt(),
                stored.run().timeoutRequested());
        List<StepRow> steps = new ArrayList<>();
        for (StepInfo s : stored.steps()) {
            steps.add(new StepRow(s.stateId(), s.stepId(), s.name(), s.region().orElse(null), s.position()));
        }
        RunProjection.fold(run, new RunProjection.MemorySteps(steps), log);
        assertThat(RunIndex.row(stored.run()).projected())
                .as("run %s after %d events", runId, log.size())
                .isEqualTo(run.projected());
        List<StepRow.Projected> expected =
                steps.stream().map(StepRow::projected).toList();
        List<StepRow.Projected> actual =
                stored.steps().stream().map(s -> RunIndex.row(s).projected()).toList();
        assertThat(actual)
                .as("steps of run %s after %d events", runId, log.size())
                .isEqualTo(expected);
    }

    private static List<EventEnvelope> log(EmbeddedOrchestrator orchestrator, String runId) {
        List<EventEnvelope> log = new ArrayList<>();
        for (long after = 0; ; ) {
            List<EventEnvelope> page = orchestrator.events(runId, after, 1000, Duration.ZERO);
            if (page.isEmpty()) {
                return log;
            }
            log.addAll(page);
            after = page.getLast().seq();
        }
    }
}
