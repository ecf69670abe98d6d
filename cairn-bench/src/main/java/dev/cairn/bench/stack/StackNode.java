package dev.cairn.bench.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.bench.BenchException;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.node.ServerSettings;
import dev.cairn.orchestrator.embedded.EmbeddedOrchestrator;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A whole Cairn as {@code cairn server} runs it, for the stack workloads: a {@link CairnNode} on a
 * fresh home (embedded SQLite and filesystem stores, fsync on, the defaults), serving HTTP on a
 * free loopback port, with or without an in-process runner node; and a {@link CairnClient} of it,
 * through which runs are submitted, as a user's program would.
 *
 * <p>The end of a run is observed in-process ({@link EmbeddedOrchestrator#awaitEnd}), so that
 * watching adds no HTTP traffic to what is measured.
 */
final class StackNode implements AutoCloseable {

    private final CairnNode node;
    private final CairnClient client;

    private StackNode(CairnNode node) {
        this.node = node;
        this.client = CairnClient.builder(node.serverUri().orElseThrow()).build();
    }

    /**
     * Opens a node on {@code home}: with an in-process runner node of {@code concurrency} slots when
     * {@code runner} (serving {@code runners}, else the node's default runners, those of {@code cairn
     * server}), or without one ({@code cairn server --no-runner}).
     */
    static StackNode open(Path home, boolean runner, Optional<RunnerRegistry> runners, int concurrency) {
        NodeOptions.Builder options = NodeOptions.builder()
                .home(home)
                .server(ServerSettings.loopbackAnyPort())
                .runner(runner)
                .runnerOptions(
                        RunnerNodeOptions.builder().concurrency(concurrency).build());
        runners.ifPresent(options::registry);
        return new StackNode(CairnNode.open(options.build()));
    }

    URI uri() {
        return node.serverUri().orElseThrow();
    }

    CairnClient client() {
        return client;
    }

    EmbeddedOrchestrator orchestrator() {
        return node.orchestrator();
    }

    /** {@code POST /v1/pipelines/run} of {@code spec} without parameters; the run id. */
    String submit(JsonNode spec) {
        return client.submitPipeline(PipelineRunRequest.of(spec, Map.of())).runId();
    }

    /**
     * Waits until the run has ended ({@link EmbeddedOrchestrator#awaitEnd}: woken by the run's own
     * appends, reading its row in the runs index, which the append that ends the run updates in
     * its own transaction); the state it ended in.
     *
     * @throws BenchException {@code bench_self_check_failed} when it has not ended within {@code limit}
     */
    RunState awaitEnd(String runId, Duration limit) {
        RunState state = node.orchestrator().awaitEnd(runId, limit);
        if (!state.terminal()) {
            throw BenchException.selfCheckFailed(
                    "stack", "run " + runId + " has not ended within " + limit + "; it is " + state);
        }
        return state;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            node.close();
        }
    }
}
