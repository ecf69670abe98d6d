package dev.cairn.machine.events;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.internal.Unsigned;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code events::KernelEvent}: the events the engine needs for recovery and resume; always
 * emitted, whatever the event profile. Wire form: struct variants, e.g. {@code
 * {"StateEntered":{"state_id":"m.s.x","attempt":0,"base_snapshot_id":"…"}}}.
 *
 * <p>A state attempt is bounded by {@link StateEntered} and a terminal {@link StateCompleted} or
 * {@link StateFailed}; an attempt without a terminal event is an orphan that resume retries from its
 * {@code base_snapshot_id}.
 */
@WireEnum
public sealed interface KernelEvent {

    /**
     * Start of a run.
     *
     * @param opId the run's operation
     * @param manifestId the manifest artifact
     * @param initialSnapshotId the initial context snapshot
     */
    record RunStarted(OpId opId, ArtifactId manifestId, ArtifactId initialSnapshotId) implements KernelEvent {
        public RunStarted {
            Objects.requireNonNull(opId, "op_id");
            Objects.requireNonNull(manifestId, "manifest_id");
            Objects.requireNonNull(initialSnapshotId, "initial_snapshot_id");
        }
    }

    /**
     * Entry into a state attempt.
     *
     * @param stateId the planned state
     * @param attempt zero-based attempt number ({@code u32})
     * @param baseSnapshotId the snapshot the attempt starts from: the resume and retry boundary
     */
    record StateEntered(
            StateId stateId, @JsonDeserialize(using = Unsigned.U32.class) int attempt, ArtifactId baseSnapshotId)
            implements KernelEvent {
        public StateEntered {
            Objects.requireNonNull(stateId, "state_id");
            Unsigned.requireU32(attempt, "attempt");
            Objects.requireNonNull(baseSnapshotId, "base_snapshot_id");
        }
    }

    /**
     * Successful completion of a state.
     *
     * @param stateId the state
     * @param contextSnapshotId the context snapshot captured after completion
     */
    record StateCompleted(StateId stateId, ArtifactId contextSnapshotId) implements KernelEvent {
        public StateCompleted {
            Objects.requireNonNull(stateId, "state_id");
            Objects.requireNonNull(contextSnapshotId, "context_snapshot_id");
        }
    }

    /**
     * Failure of a state attempt.
     *
     * @param stateId the state
     * @param error the structured failure
     * @param failureSnapshotId a diagnostic-only snapshot; never a resume boundary
     */
    record StateFailed(StateId stateId, StateError error, Optional<ArtifactId> failureSnapshotId)
            implements KernelEvent {
        public StateFailed {
            Objects.requireNonNull(stateId, "state_id");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(failureSnapshotId, "failure_snapshot_id");
        }
    }

    /**
     * The terminal status of the run; nothing is appended after it.
     *
     * @param status final status
     * @param finalSnapshotId the final context snapshot, if one was produced
     */
    record RunCompleted(RunStatus status, Optional<ArtifactId> finalSnapshotId) implements KernelEvent {
        public RunCompleted {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(finalSnapshotId, "final_snapshot_id");
        }
    }
}
