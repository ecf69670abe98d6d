package dev.cairn.machine.plan;

import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Tag;
import java.util.List;
import java.util.Objects;

/** A plan failed validation, carrying the seed's {@link PlanValidationError}. Never retryable. */
public final class PlanValidationException extends MachineException {

    private static final long serialVersionUID = 1L;

    private final transient PlanValidationError error;
    private final transient ErrorInfo info;

    public PlanValidationException(PlanValidationError error) {
        this(error, Objects.requireNonNull(error, "error").info());
    }

    private PlanValidationException(PlanValidationError error, ErrorInfo info) {
        super(info, "Fix the planner's output; the run was not started.", null);
        this.error = error;
        this.info = info;
    }

    /** {@link PlanValidationError.EmptyPlan}: the plan has no states. */
    public static PlanValidationException emptyPlan() {
        return new PlanValidationException(new PlanValidationError.EmptyPlan());
    }

    /** {@link PlanValidationError.DuplicateStateId}: {@code stateId} names two nodes. */
    public static PlanValidationException duplicateStateId(StateId stateId) {
        return new PlanValidationException(new PlanValidationError.DuplicateStateId(stateId));
    }

    /** {@link PlanValidationError.MissingStateForEdge}: an edge names {@code missing}, which no node has. */
    public static PlanValidationException missingStateForEdge(StateId missing) {
        return new PlanValidationException(new PlanValidationError.MissingStateForEdge(missing));
    }

    /** {@link PlanValidationError.CircularDependency}: the states of a cycle, in a deterministic order chosen by the validator. */
    public static PlanValidationException circularDependency(List<StateId> cycle) {
        return new PlanValidationException(new PlanValidationError.CircularDependency(cycle));
    }

    /** {@link PlanValidationError.DanglingDependencyTag}: no state carries {@code missingTag}. */
    public static PlanValidationException danglingDependencyTag(StateId stateId, Tag missingTag) {
        return new PlanValidationException(new PlanValidationError.DanglingDependencyTag(stateId, missingTag));
    }

    /** The seed's error value. */
    public PlanValidationError error() {
        return error;
    }

    @Override
    public ErrorInfo info() {
        return info;
    }

    /** {@link RunError.InvalidPlan} with {@link PlanValidationError#info()}. */
    @Override
    public RunError toRunError() {
        return new RunError.InvalidPlan(info);
    }
}
