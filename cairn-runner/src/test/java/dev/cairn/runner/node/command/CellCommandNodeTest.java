package dev.cairn.runner.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.runner.node.Backoff;
import dev.cairn.runner.node.RunnerNode;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.runner.node.testing.Tasks;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runner node with the default registry: command steps in cells, cancelled through heartbeats. */
class CellCommandNodeTest {

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private final InMemoryLeaseService leases = new InMemoryLeaseService(Duration.ofSeconds(3));
    private RunnerNode node;

    @BeforeEach
    void start() {
        node = RunnerNode.start(
                leases,
                store,
                RunnerRegistry.standard(),
                RunnerNodeOptions.builder()
                        .workerId("cell-node")
                        .concurrency(2)
                        .acquireWait(Duration.ofMillis(200))
                        .logFlushInterval(Duration.ofMillis(50))
                        .shutdownGrace(Duration.ofSeconds(5))
                        .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)))
                        .workRoot(dir.resolve("node"))
                        .build());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void theDefaultCommandRunnerRunsStepsInCells() {
        UUID task =
                leases.submit(Tasks.command(CommandStep.script("echo in a cell").build()));
        Completion completion = leases.awaitCompletion(task);
        assertThat(completion.outcome()).isInstanceOf(TaskOutcome.Succeeded.class);
        StepResult result = Wire.fromTree(((TaskOutcome.Succeeded) completion.outcome()).result(), StepResult.class);
        assertThat(result.exitCode()).isZero();
        assertThat(result.committedSnapshot()).isPresent();
        List<String> messages = Tasks.messages(leases.heartbeats(task));
        assertThat(messages).contains("in a cell");
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("\"event\":\"destroyed\""));
    }

    @Test
    void aCancelInTheHeartbeatAnswerTearsTheCellDown() {
        UUID task = leases.submit(
                Tasks.command(CommandStep.script("echo running; sleep 300").build()));
        leases.awaitHeartbeat(task, hs -> Tasks.messages(hs).contains("running"), "the command's first line");

        leases.cancel(task);
        Completion completion = leases.awaitCompletion(task);

        assertThat(completion.outcome()).isEqualTo(new TaskOutcome.Cancelled());
        leases.awaitHeartbeat(
                task,
                hs -> Tasks.messages(hs).stream().anyMatch(m -> m.contains("\"event\":\"destroyed\"")),
                "the cell's teardown");
        assertThat(Tasks.messages(leases.heartbeats(task)))
                .anySatisfy(
                        m -> assertThat(m).contains("torn down: destroyed=true").contains("peers_tracked_after=0"));
    }

    @Test
    void aStepPastItsTimeoutFailsRetryably() {
        UUID task = leases.submit(Tasks.command(
                CommandStep.script("sleep 300").timeout(Duration.ofMillis(500)).build()));
        Completion completion = leases.awaitCompletion(task);
        assertThat(completion.outcome()).isInstanceOfSatisfying(TaskOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("command_timeout");
            assertThat(f.retryable()).isTrue();
        });
    }
}
