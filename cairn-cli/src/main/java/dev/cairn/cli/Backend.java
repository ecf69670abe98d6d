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
import dev.cairn.machine.stores.ArtifactStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the run-facing commands talk to: the embedded home opened in this process ({@link
 * EmbeddedBackend}) or a {@code cairn server} over HTTP ({@link RemoteBackend}). The same calls, so
 * each command is written once.
 */
interface Backend extends AutoCloseable {

    /** How messages name where the runs are: the home directory or the server's URL. */
    String where();

    /** Where a submitter stores a pipeline's local inputs. */
    ArtifactStore uploads();

    SubmitRunResponse submitPipeline(PipelineRunRequest request);

    RunStatus status(String runId);

    RunSummary summary(String runId);

    RunDetail detail(String runId);

    RunPage runs(Optional<RunState> state, int limit, Optional<String> cursor);

    RunStatus cancel(String runId);

    RunStatus resume(String runId);

    ReplayResult replay(String runId);

    /** A page of log lines after {@code after}. */
    LogPage logs(String runId, Optional<String> step, long after, int limit);

    /**
     * Hands every log line after {@code after} to {@code sink} as it is written, until the run has
     * ended and every line is out (or the thread is interrupted).
     */
    void followLogs(String runId, Optional<String> step, long after, Consumer<LogEntry> sink);

    /**
     * Writes the bytes of an artifact to {@code target}: to a temporary file beside it, checked
     * against the id (SHA-256), then renamed into place. Returns the size in bytes.
     */
    long download(String artifactId, Path target);

    /** How long the progress display waits between two looks at a run. */
    Duration pollInterval();

    @Override
    void close();
}
