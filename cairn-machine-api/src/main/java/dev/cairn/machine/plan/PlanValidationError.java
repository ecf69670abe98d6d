package dev.cairn.machine.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorCodes;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Tag;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Seed {@code plan::PlanValidationError}: a malformed plan, found before a run starts. Wire form:
 * {@code "EmptyPlan"}, {@code {"DuplicateStateId":{"state_id":…}}}, {@code
 * {"MissingStateForEdge":{"missing":…}}}, {@code {"CircularDependency":{"cycle":[…]}}}, {@code
 * {"DanglingDependencyTag":{"state_id":…,"missing_tag":…}}}. Thrown as {@link
 * PlanValidationException}.
 */
@WireEnum
public sealed interface PlanValidationError {

    /**
     * This error as the {@link ErrorInfo} of {@code RunError.InvalidPlan}: code by variant ({@code
     * empty_plan}, {@code duplicate_state_id}, {@code missing_state_for_edge}, {@code
     * circular_dependency}, {@code dangling_dependency_tag}), category {@code Unknown} (as the
     * reference runtime), not retryable, the offending ids in message and details.
     */
    ErrorInfo info();

    /** The plan contained no states. */
    record EmptyPlan() implements PlanValidationError {
        @Override
        public ErrorInfo info() {
            return ErrorInfo.of(ErrorCodes.CODE_EMPTY_PLAN, ErrorCategory.UNKNOWN, false, "the plan has no states");
        }
    }

    /**
     * A state id appeared more than once.
     *
     * @param stateId the duplicated id
     */
    record DuplicateStateId(StateId stateId) implements PlanValidationError {
        public DuplicateStateId {
            Objects.requireNonNull(stateId, "state_id");
        }

        @Override
        public ErrorInfo info() {
            ObjectNode details = JsonNodeFactory.instance.objectNode().put("state_id", stateId.value());
            return ErrorInfo.of(
                            ErrorCodes.CODE_DUPLICATE_STATE_ID,
                            ErrorCategory.UNKNOWN,
                            false,
                            "state id `" + stateId + "` appears more than once in the plan")
                    .withDetails(details);
        }
    }

    /**
     * An edge referenced a state that is not in the graph.
     *
     * @param missing the referenced, absent state
     */
    record MissingStateForEdge(StateId missing) implements PlanValidationError {
        public MissingStateForEdge {
            Objects.requireNonNull(missing, "missing");
        }

        @Override
        public ErrorInfo info() {
            ObjectNode details = JsonNodeFactory.instance.objectNode().put("missing", missing.value());
            return ErrorInfo.of(
                            ErrorCodes.CODE_MISSING_STATE_FOR_EDGE,
                            ErrorCategory.UNKNOWN,
                            false,
                            "an edge references state `" + missing + "`, which is not in the plan")
                    .withDetails(details);
        }
    }

    /**
     * The graph has a cycle.
     *
     * @param cycle states participating in the detected cycle
     */
    record CircularDependency(List<StateId> cycle) implements PlanValidationError {
        public CircularDependency {
            cycle = List.copyOf(Objects.requireNonNull(cycle, "cycle"));
        }

        @Override
        public ErrorInfo info() {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            ArrayNode ids = details.putArray("cycle");
            cycle.forEach(id -> ids.add(id.value()));
            return ErrorInfo.of(
                            ErrorCodes.CODE_CIRCULAR_DEPENDENCY,
                            ErrorCategory.UNKNOWN,
                            false,
                            "the plan has a dependency cycle through "
                                    + cycle.stream().map(StateId::value).collect(Collectors.joining(", ")))
                    .withDetails(details);
        }
    }

    /**
     * A tag-based dependency hint could not be resolved (for planners that derive edges from
     * {@code depends_on}).
     *
     * @param stateId the state whose hint failed
     * @param missingTag the tag no state carries
     */
    record DanglingDependencyTag(StateId stateId, Tag missingTag) implements PlanValidationError {
        public DanglingDependencyTag {
            Objects.requireNonNull(stateId, "state_id");
            Objects.requireNonNull(missingTag, "missing_tag");
        }

        @Override
        public ErrorInfo info() {
            ObjectNode details = JsonNodeFactory.instance
                    .objectNode()
                    .put("state_id", stateId.value())
                    .put("missing_tag", missingTag.value());
            return ErrorInfo.of(
                            ErrorCodes.CODE_DANGLING_DEPENDENCY_TAG,
                            ErrorCategory.UNKNOWN,
                            false,
                            "state `" + stateId + "` depends on tag `" + missingTag + "`, which no state carries")
                    .withDetails(details);
        }
    }
}
