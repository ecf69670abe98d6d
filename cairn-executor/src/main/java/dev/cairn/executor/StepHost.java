package dev.cairn.executor;

import dev.cairn.executor.protocol.ArchiveId;
import dev.cairn.executor.protocol.ArchiveReadRequest;
import dev.cairn.executor.protocol.ArchiveReadResponse;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link StepExecutor} may ask of its host (seed 002's host calls) for one step: archive
 * bytes ({@code hm_archive_read}), where output lines, cell lifecycle records and output files go,
 * and whether the step was cancelled. Implementations are called from several threads.
 */
public interface StepHost {

    /** A short name of the step for messages ({@code run/step}). */
    String stepLabel();

    /**
     * {@code hm_archive_read}: up to {@code request.max()} bytes of the archive from {@code
     * request.offset()}.
     *
     * @throws ExecutorException {@code unknown_archive} for an archive this host does not hold
     */
    ArchiveReadResponse archiveRead(ArchiveReadRequest request);

    /**
     * Cairn's shortcut for executors that share the host's artifact store: the workspace tree the
     * archive was made from, so that the executor can materialize it without reading archive bytes.
     */
    default Optional<TreeId> archiveTree(ArchiveId archive) {
        return Optional.empty();
    }

    /** The workspaces (artifact store) snapshots and materializations use. */
    Workspaces workspaces();

    /** The secrets the step declared (delivered by executors that resolve secrets themselves). */
    default List<SecretMount> secrets() {
        return List.of();
    }

    /**
     * One line of the step's log, already masked. {@code stream} is {@code stdout}, {@code stderr}
     * or {@code runner} (the executor's own lines); {@code level} {@code info}, {@code warn} or
     * {@code error}.
     */
    void log(String level, String stream, String message);

    /** A cell lifecycle transition (created, started, exited, destroyed) of the step's cell. */
    void lifecycle(CellEvent event);

    /** Stores {@code file} as the step's output artifact {@code key} (a path relative to the workspace). */
    void output(String key, Path file);

    /** Whether the step was cancelled; executors poll it. */
    boolean isCancelled();
}
