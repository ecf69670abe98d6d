package dev.cairn.machine.runtime;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The domain events the engine itself appends, and their payloads (wire types). State handlers may
 * not emit these names ({@code reserved_event_name}).
 *
 * <p>{@link EventClass#REQUIRED} events are kept by every event profile, because resume, replay and
 * audit read them: {@code fact_recorded}, {@code child_run_spawned}, {@code child_run_completed},
 * {@value #STATE_SKIPPED}, {@value #OPERATOR_RETRY_ALLOWED}, {@value #REPLAY_OF}, {@value
 * #REPLAY_DIVERGED}. {@link EventClass#DIAGNOSTIC} events ({@value #STATE_RETRY_SCHEDULED}, {@value
 * #STATE_CONTEXT_DIFF}) are kept by {@code Verbose} (and by a custom profile that accepts them).
 */
public final class EngineEvents {

    /** A state was skipped because it carries one of the run's {@code skip_tags}. */
    public static final String STATE_SKIPPED = "state_skipped";
    /** An operator allowed an interrupted unkeyed side effect to run again. */
    public static final String OPERATOR_RETRY_ALLOWED = "operator_retry_allowed";
    /** This run replays another run's facts (appended right after {@code RunStarted}). */
    public static final String REPLAY_OF = "replay_of";
    /** A replayed state ended differently from the original: a determinism violation. */
    public static final String REPLAY_DIVERGED = "replay_diverged";
    /** Verbose: a failed attempt will be retried after a delay. */
    public static final String STATE_RETRY_SCHEDULED = "state_retry_scheduled";
    /** Verbose: the context keys a completed attempt wrote and deleted (names only, never values). */
    public static final String STATE_CONTEXT_DIFF = "state_context_diff";

    /** Names of the events every profile keeps. */
    public static final Set<String> REQUIRED = Set.of(
            DomainEvent.DOMAIN_EVENT_FACT_RECORDED,
            DomainEvent.DOMAIN_EVENT_CHILD_RUN_SPAWNED,
            DomainEvent.DOMAIN_EVENT_CHILD_RUN_COMPLETED,
            STATE_SKIPPED,
            OPERATOR_RETRY_ALLOWED,
            REPLAY_OF,
            REPLAY_DIVERGED);

    /** Names of the engine's diagnostic events. */
    public static final Set<String> DIAGNOSTIC = Set.of(STATE_RETRY_SCHEDULED, STATE_CONTEXT_DIFF);

    private EngineEvents() {}

    /** Whether handlers may not emit {@code name}. */
    public static boolean reserved(String name) {
        return REQUIRED.contains(name) || DIAGNOSTIC.contains(name);
    }

    /**
     * Payload of {@value #STATE_SKIPPED}.
     *
     * @param stateId the skipped state
     * @param matchedTags its tags that are in {@code skip_tags}
     */
    public record StateSkipped(StateId stateId, List<Tag> matchedTags) {
        public StateSkipped {
            Objects.requireNonNull(stateId, "state_id");
            matchedTags = List.copyOf(matchedTags);
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(STATE_SKIPPED, Wire.toTree(this));
        }
    }

    /**
     * Payload of {@value #OPERATOR_RETRY_ALLOWED}.
     *
     * @param stateId the state allowed to run again
     * @param interruptedAttempt the attempt the log shows interrupted
     */
    public record OperatorRetryAllowed(StateId stateId, int interruptedAttempt) {
        public OperatorRetryAllowed {
            Objects.requireNonNull(stateId, "state_id");
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(OPERATOR_RETRY_ALLOWED, Wire.toTree(this));
        }
    }

    /**
     * Payload of {@value #REPLAY_OF}.
     *
     * @param originalRunId the run whose facts this run replays
     */
    public record ReplayOf(RunId originalRunId) {
        public ReplayOf {
            Objects.requireNonNull(originalRunId, "original_run_id");
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(REPLAY_OF, Wire.toTree(this));
        }
    }

    /**
     * Payload of {@value #REPLAY_DIVERGED}.
     *
     * @param stateId the first state (in log order) that ended differently
     * @param expectedSnapshotId the original's snapshot after the state (empty: the original's state
     *     failed)
     * @param actualSnapshotId the replay's (empty: the replayed state failed)
     * @param reason what differed, e.g. {@code snapshot_mismatch}
     */
    public record ReplayDiverged(
            StateId stateId,
            Optional<ArtifactId> expectedSnapshotId,
            Optional<ArtifactId> actualSnapshotId,
            String reason) {
        public ReplayDiverged {
            Objects.requireNonNull(stateId, "state_id");
            Objects.requireNonNull(expectedSnapshotId, "expected_snapshot_id");
            Objects.requireNonNull(actualSnapshotId, "actual_snapshot_id");
            Objects.requireNonNull(reason, "reason");
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(REPLAY_DIVERGED, Wire.toTree(this));
        }
    }

    /**
     * Payload of {@value #STATE_RETRY_SCHEDULED}.
     *
     * @param stateId the state
     * @param failedAttempt the attempt that failed with a retryable error
     * @param nextAttempt the attempt that will run
     * @param delay the backoff before it
     */
    public record StateRetryScheduled(StateId stateId, int failedAttempt, int nextAttempt, Duration delay) {
        public StateRetryScheduled {
            Objects.requireNonNull(stateId, "state_id");
            Objects.requireNonNull(delay, "delay");
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(STATE_RETRY_SCHEDULED, Wire.toTree(this));
        }
    }

    /**
     * Payload of {@value #STATE_CONTEXT_DIFF}.
     *
     * @param stateId the completed state
     * @param written keys it wrote, sorted
     * @param deleted keys it deleted, sorted
     */
    public record StateContextDiff(StateId stateId, List<String> written, List<String> deleted) {
        public StateContextDiff {
            Objects.requireNonNull(stateId, "state_id");
            written = List.copyOf(written);
            deleted = List.copyOf(deleted);
        }

        public DomainEvent toDomainEvent() {
            return DomainEvent.of(STATE_CONTEXT_DIFF, Wire.toTree(this));
        }
    }
}
