package dev.cairn.cli;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.RunSummary;
import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.node.CairnNode;
import dev.cairn.orchestrator.api.RunQuery;
import dev.cairn.orchestrator.embedded.EmbeddedOrchestrator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** The runs of a home opened in this process ({@link CairnNode}). */
final class EmbeddedBackend implements Backend {

    private static final Duration LOG_WAIT = Duration.ofMillis(500);

    private final CairnNode node;

    EmbeddedBackend(CairnNode node) {
        this.node = node;
    }

    CairnNode node() {
        return node;
    }

    private EmbeddedOrchestrator orchestrator() {
        return node.orchestrator();
    }

    @Override
    public String where() {
        return node.home().toString();
    }

    @Override
    public ArtifactStore uploads() {
        return node.artifacts();
    }

    @Override
    public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
        return orchestrator().submitPipeline(request);
    }

    @Override
    public RunStatus status(String runId) {
        return orchestrator().status(runId);
    }

    @Override
    public RunSummary summary(String runId) {
        return orchestrator().summary(runId);
    }

    @Override
    public RunDetail detail(String runId) {
        return orchestrator().detail(runId);
    }

    @Override
    public RunPage runs(Optional<RunState> state, int limit, Optional<String> cursor) {
        return orchestrator().runs(new RunQuery(state, limit, cursor));
    }

    @Override
    public RunStatus cancel(String runId) {
        return orchestrator().cancel(runId);
    }

    @Override
    public RunStatus resume(String runId) {
        return orchestrator().resume(runId);
    }

    @Override
    public ReplayResult replay(String runId) {
        return orchestrator().replay(runId);
    }

    @Override
    public LogPage logs(String runId, Optional<String> step, long after, int limit) {
        return orchestrator().logs(runId, step, after, limit, Duration.ZERO);
    }

    @Override
    public void followLogs(String runId, Optional<String> step, long after, Consumer<LogEntry> sink) {
        long cursor = after;
        while (!Thread.currentThread().isInterrupted()) {
            // Look at the run before reading, so that lines written before it ended are not missed.
            boolean ended = orchestrator().status(runId).state().terminal();
            LogPage page = orchestrator().logs(runId, step, cursor, EmbeddedOrchestrator.MAX_PAGE, LOG_WAIT);
            page.lines().forEach(sink);
            cursor = page.nextCursor();
            if (ended && page.lines().isEmpty()) {
                return;
            }
        }
    }

    @Override
    public long download(String artifactId, Path target) {
        return Downloads.verified(artifactId, target, () -> node.artifacts().openStream(new ArtifactId(artifactId)));
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(100);
    }

    @Override
    public void close() {
        node.close();
    }
}
