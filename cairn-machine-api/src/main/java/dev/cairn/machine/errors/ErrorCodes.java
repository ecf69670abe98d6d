package dev.cairn.machine.errors;

/**
 * The stable error codes the factories of this module produce. {@link #CODE_MISSING_FACT_KEY},
 * {@link #CODE_CONTEXT_DESERIALIZE_FAILED} and {@link #CODE_CONTEXT_SERIALIZE_FAILED} are the seed's;
 * {@link #CODE_MISSING_FACT} and {@link #CODE_RUN_NOT_FOUND} follow the seed's reference runtime; the
 * others are Cairn's. Codes are part of the wire contract: never change one.
 */
public final class ErrorCodes {

    /** Seed {@code errors::CODE_MISSING_FACT_KEY}: replay got deterministic IO without a fact key. */
    public static final String CODE_MISSING_FACT_KEY = "missing_fact_key";
    /** Replay found no recorded fact for the key. */
    public static final String CODE_MISSING_FACT = "missing_fact";
    /** A typed context read could not deserialize the stored value (seed {@code TypedContextExt}). */
    public static final String CODE_CONTEXT_DESERIALIZE_FAILED = "context_deserialize_failed";
    /** A typed context write could not serialize the value (seed {@code TypedContextExt}). */
    public static final String CODE_CONTEXT_SERIALIZE_FAILED = "context_serialize_failed";
    /** A context key that must exist does not. */
    public static final String CODE_MISSING_CONTEXT_KEY = "missing_context_key";
    /** An identifier failed its naming contract. */
    public static final String CODE_INVALID_ID = "invalid_id";
    /** An append's expected head sequence was stale. */
    public static final String CODE_EVENT_STORE_CONCURRENCY = "event_store_concurrency";
    /** An append broke the store contract (wrong run id, non-contiguous sequence numbers). */
    public static final String CODE_INVALID_APPEND = "invalid_append";
    /** No events exist for the run. */
    public static final String CODE_RUN_NOT_FOUND = "run_not_found";
    /** No artifact exists with the id. */
    public static final String CODE_ARTIFACT_NOT_FOUND = "artifact_not_found";
    /** Stored artifact bytes do not hash to their id. */
    public static final String CODE_ARTIFACT_CORRUPT = "artifact_corrupt";
    /** Reading the caller's stream of artifact bytes failed. */
    public static final String CODE_ARTIFACT_STREAM_FAILED = "artifact_stream_failed";
    /** A storage backend is unreachable or failed transiently. */
    public static final String CODE_STORAGE_UNAVAILABLE = "storage_unavailable";
    /** The calling thread was interrupted (cooperative cancellation). */
    public static final String CODE_INTERRUPTED = "interrupted";
    /** {@code PlanValidationError.EmptyPlan}. */
    public static final String CODE_EMPTY_PLAN = "empty_plan";
    /** {@code PlanValidationError.DuplicateStateId}. */
    public static final String CODE_DUPLICATE_STATE_ID = "duplicate_state_id";
    /** {@code PlanValidationError.MissingStateForEdge}. */
    public static final String CODE_MISSING_STATE_FOR_EDGE = "missing_state_for_edge";
    /** {@code PlanValidationError.CircularDependency}. */
    public static final String CODE_CIRCULAR_DEPENDENCY = "circular_dependency";
    /** {@code PlanValidationError.DanglingDependencyTag}. */
    public static final String CODE_DANGLING_DEPENDENCY_TAG = "dangling_dependency_tag";

    private ErrorCodes() {}
}
