package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.client.Subscription;
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
import dev.cairn.machine.stores.ArtifactStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** The runs of a {@code cairn server}, over HTTP ({@link CairnClient}). */
final class RemoteBackend implements Backend {

    private final URI server;
    private final CairnClient client;
    private final ClientUploads uploads;

    RemoteBackend(URI server, Optional<String> token) {
        this.server = server;
        CairnClient.Builder builder = CairnClient.builder(server);
        token.ifPresent(builder::token);
        this.client = builder.build();
        this.uploads = new ClientUploads(client);
    }

    @Override
    public String where() {
        return server.toString();
    }

    @Override
    public ArtifactStore uploads() {
        return uploads;
    }

    @Override
    public SubmitRunResponse submitPipeline(PipelineRunRequest request) {
        return client.submitPipeline(request);
    }

    @Override
    public RunStatus status(String runId) {
        return client.status(runId);
    }

    @Override
    public RunSummary summary(String runId) {
        return client.summary(runId);
    }

    @Override
    public RunDetail detail(String runId) {
        return client.detail(runId);
    }

    @Override
    public RunPage runs(Optional<RunState> state, int limit, Optional<String> cursor) {
        return client.runs(state, limit, cursor);
    }

    @Override
    public RunStatus cancel(String runId) {
        return client.cancel(runId);
    }

    @Override
    public RunStatus resume(String runId) {
        return client.resume(runId);
    }

    @Override
    public ReplayResult replay(String runId) {
        return client.replay(runId);
    }

    @Override
    public LogPage logs(String runId, Optional<String> step, long after, int limit) {
        return client.logs(runId, step, after, limit);
    }

    @Override
    public void followLogs(String runId, Optional<String> step, long after, Consumer<LogEntry> sink) {
        // Server-sent events; the subscription reconnects with Last-Event-ID after a broken stream.
        try (Subscription<LogEntry> lines = client.followLogs(runId, step, after)) {
            while (!Thread.currentThread().isInterrupted() && lines.hasNext()) {
                sink.accept(lines.next());
            }
        }
    }

    @Override
    public long download(String artifactId, Path target) {
        return client.download(artifactId, target).sizeBytes();
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(250);
    }

    @Override
    public void close() {
        client.close();
    }
}
