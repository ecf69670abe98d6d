package dev.cairn.machine.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.util.Objects;

/** A failure of the event store or the artifact store, carrying the seed's {@link StorageError}. */
public final class StorageException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient StorageError error;

    public StorageException(StorageError error) {
        this(error, defaultHint(error), null);
    }

    public StorageException(StorageError error, String hint, Throwable cause) {
        super(Objects.requireNonNull(error, "error").info(), hint, cause);
        this.error = error;
    }

    /**
     * {@link StorageError.Concurrency}, code {@value ErrorCodes#CODE_EVENT_STORE_CONCURRENCY}: an
     * append to {@code runId} expected head {@code expectedSeq} but found {@code actualSeq}. Not
     * retryable as is: the caller must re-read the log and decide.
     */
    public static StorageException concurrency(RunId runId, long expectedSeq, long actualSeq) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("run_id", runId.toString());
        details.put("expected_seq", expectedSeq);
        details.put("actual_seq", actualSeq);
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_EVENT_STORE_CONCURRENCY,
                        ErrorCategory.STORAGE,
                        false,
                        "append to run " + runId + " expected head seq " + expectedSeq + " but the head is "
                                + actualSeq)
                .withDetails(details);
        return new StorageException(
                new StorageError.Concurrency(info),
                "Another writer appended to this run first; read the log again from headSeq before appending.",
                null);
    }

    /**
     * {@link StorageError.Other}, code {@value ErrorCodes#CODE_INVALID_APPEND}: an append broke the
     * event-store contract (an envelope of another run, or sequence numbers that do not continue the
     * expected head one by one).
     */
    public static StorageException invalidAppend(RunId runId, String reason) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("run_id", runId.toString());
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_INVALID_APPEND,
                        ErrorCategory.STORAGE,
                        false,
                        "invalid append to run " + runId + ": " + reason)
                .withDetails(details);
        return new StorageException(
                new StorageError.Other(info),
                "Give every envelope this run's id and the sequence numbers expected_seq+1, expected_seq+2, ….",
                null);
    }

    /** {@link StorageError.NotFound}, code {@value ErrorCodes#CODE_RUN_NOT_FOUND}: no events for the run. */
    public static StorageException runNotFound(RunId runId) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("run_id", runId.toString());
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_RUN_NOT_FOUND, ErrorCategory.STORAGE, false, "run " + runId + " has no events")
                .withDetails(details);
        return new StorageException(
                new StorageError.NotFound(info), "Check the run id and that the run was started on this store.", null);
    }

    /** {@link StorageError.NotFound}, code {@value ErrorCodes#CODE_ARTIFACT_NOT_FOUND}. */
    public static StorageException artifactNotFound(ArtifactId id) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("artifact_id", id.value());
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_ARTIFACT_NOT_FOUND,
                        ErrorCategory.STORAGE,
                        false,
                        "artifact " + id + " does not exist")
                .withDetails(details);
        return new StorageException(
                new StorageError.NotFound(info),
                "Check the id, and that the artifact was stored in this artifact store.",
                null);
    }

    /**
     * {@link StorageError.Corruption}, code {@value ErrorCodes#CODE_ARTIFACT_CORRUPT}: the bytes
     * stored under {@code id} hash to {@code actual}.
     */
    public static StorageException artifactCorrupt(ArtifactId id, ArtifactId actual) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("artifact_id", id.value());
        details.put("actual_hash", actual.value());
        ErrorInfo info = ErrorInfo.of(
                        ErrorCodes.CODE_ARTIFACT_CORRUPT,
                        ErrorCategory.STORAGE,
                        false,
                        "artifact " + id + " is corrupt: its bytes hash to " + actual)
                .withDetails(details);
        return new StorageException(
                new StorageError.Corruption(info),
                "Restore the artifact from a replica or backup; do not resume runs that depend on it until then.",
                null);
    }

    /** {@link StorageError.Corruption} with the caller's code and secret-free message. */
    public static StorageException corruption(String code, String message) {
        return new StorageException(
                new StorageError.Corruption(ErrorInfo.of(code, ErrorCategory.STORAGE, false, message)));
    }

    /**
     * {@link StorageError.Other}, code {@value ErrorCodes#CODE_STORAGE_UNAVAILABLE}, retryable: the
     * backend is unreachable or failed transiently.
     */
    public static StorageException unavailable(String message, Throwable cause) {
        return new StorageException(
                new StorageError.Other(
                        ErrorInfo.of(ErrorCodes.CODE_STORAGE_UNAVAILABLE, ErrorCategory.STORAGE, true, message)),
                "Retry later; check that the storage backend is running and reachable.",
                cause);
    }

    /**
     * {@link StorageError.Other}, code {@value ErrorCodes#CODE_ARTIFACT_STREAM_FAILED}: reading the
     * caller's stream of artifact bytes failed, so nothing was stored.
     */
    public static StorageException streamFailed(Throwable cause) {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        ErrorCodes.CODE_ARTIFACT_STREAM_FAILED,
                        ErrorCategory.STORAGE,
                        false,
                        "reading the artifact content stream failed: " + cause.getMessage())),
                "Check the source of the stream; nothing was stored.",
                cause);
    }

    /**
     * {@link StorageError.Other}, code {@value ErrorCodes#CODE_INTERRUPTED}, retryable: the calling
     * thread was interrupted while waiting on the store. The interrupt flag stays set.
     */
    public static StorageException interrupted() {
        return new StorageException(
                new StorageError.Other(ErrorInfo.of(
                        ErrorCodes.CODE_INTERRUPTED,
                        ErrorCategory.STORAGE,
                        true,
                        "interrupted while waiting on storage")),
                "The operation was cancelled; an append either completed or did not happen at all.",
                null);
    }

    /** The seed's error value. */
    public StorageError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return error.info();
    }

    /** {@link RunError.Storage} wrapping {@link #error()}. */
    @Override
    public RunError toRunError() {
        return new RunError.Storage(error);
    }

    private static String defaultHint(StorageError error) {
        return switch (error) {
            case StorageError.Concurrency c -> "Another writer changed the data first; read it again before retrying.";
            case StorageError.NotFound n -> "Check the id and the store it was written to.";
            case StorageError.Corruption c -> "Restore the data from a replica or backup.";
            case StorageError.Other o -> "";
        };
    }
}
