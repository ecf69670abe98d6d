package dev.cairn.machine.errors;

import dev.cairn.machine.ids.RunId;
import java.util.Objects;

/** A run could not be started, resumed or completed, carrying the seed's {@link RunError}. */
public final class RunException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient RunError error;

    public RunException(RunError error) {
        this(error, "", null);
    }

    public RunException(RunError error, String hint, Throwable cause) {
        super(Objects.requireNonNull(error, "error").info(), hint, cause);
        this.error = error;
    }

    /**
     * The run-level failure for any {@link MachineException} ({@link MachineException#toRunError()}),
     * keeping its hint and chaining it as the cause; a {@code RunException} is returned as is.
     */
    public static RunException of(MachineException failure) {
        if (failure instanceof RunException run) {
            return run;
        }
        return new RunException(failure.toRunError(), failure.hint(), failure);
    }

    /**
     * {@link RunError.InvalidPlan} with the caller's code and message (category {@code Unknown}, as
     * the reference runtime), e.g. {@code manifest_id_mismatch}.
     */
    public static RunException invalidPlan(String code, String message) {
        return new RunException(
                new RunError.InvalidPlan(ErrorInfo.of(code, ErrorCategory.UNKNOWN, false, message)),
                "Fix the plan or the StartRun inputs; the run was not started.",
                null);
    }

    /**
     * {@link RunError.Storage} of {@link StorageException#runNotFound(RunId)}: there is no run to
     * resume.
     */
    public static RunException runNotFound(RunId runId) {
        return of(StorageException.runNotFound(runId));
    }

    /** {@link RunError.Other} with the caller's error payload. */
    public static RunException other(ErrorInfo info, Throwable cause) {
        return new RunException(new RunError.Other(info), "", cause);
    }

    /** The seed's error value. */
    public RunError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return error.info();
    }

    @Override
    public RunError toRunError() {
        return error;
    }
}
