package dev.cairn.machine.runtime;

/**
 * Stable error codes of the kernel runtime (the {@code code} of {@code ErrorInfo}). Codes are part
 * of the wire contract: they are persisted in {@code StateFailed} events and returned to callers.
 * Never change one. See {@code docs/kernel.md} for when each is produced.
 */
public final class KernelCodes {

    // --- refused before anything is written (RunException) ---

    /** {@code StartRun.manifest_id} is not the SHA-256 of the manifest's canonical JSON. */
    public static final String MANIFEST_ID_MISMATCH = "manifest_id_mismatch";
    /** {@code plan.op_id} differs from {@code manifest.op_id}. */
    public static final String MANIFEST_OP_ID_MISMATCH = "manifest_op_id_mismatch";
    /** {@code StartRun.run_config} differs from {@code manifest.run_config}. */
    public static final String RUN_CONFIG_MISMATCH = "run_config_mismatch";
    /** The manifest has no RFC 8785 canonical form. */
    public static final String MANIFEST_NOT_CANONICAL = "manifest_not_canonical";
    /** The manifest's {@code input_params} hold a value that looks like a secret. */
    public static final String SECRET_IN_INPUT_PARAMS = "secret_in_input_params";
    /** A context snapshot (initial, or after a state) holds a value that looks like a secret. */
    public static final String SECRET_IN_CONTEXT = "secret_in_context";
    /** A domain event (name or payload) holds a value that looks like a secret. */
    public static final String SECRET_IN_DOMAIN_EVENT = "secret_in_domain_event";
    /** The initial context's {@code dump()} is not a JSON object. */
    public static final String CONTEXT_NOT_OBJECT = "context_not_object";
    /** {@code context_checkpointing} is a {@code Custom} policy, which this engine does not implement. */
    public static final String UNSUPPORTED_CHECKPOINTING = "unsupported_checkpointing";
    /** {@code event_profile} is {@code Custom(name)} and no profile of that name is registered. */
    public static final String UNKNOWN_EVENT_PROFILE = "unknown_event_profile";
    /** The run is already executing in this engine. */
    public static final String RUN_ALREADY_ACTIVE = "run_already_active";
    /** {@code resume}/{@code replay} needs a {@code PlanResolver}, and the engine has none. */
    public static final String NO_PLAN_RESOLVER = "no_plan_resolver";
    /** The plan resolved for a manifest is for another operation. */
    public static final String PLAN_OP_ID_MISMATCH = "plan_op_id_mismatch";
    /** A state handler emitted a domain event under a name the engine reserves. */
    public static final String RESERVED_EVENT_NAME = "reserved_event_name";
    /** A child {@code StartRun} carried a run id; the engine derives child run ids itself. */
    public static final String CHILD_RUN_ID_ASSIGNED = "child_run_id_assigned";
    /** {@code ResumeOptions.allowRetry} names a state that has no interrupted side effect to retry. */
    public static final String ALLOW_RETRY_NOT_APPLICABLE = "allow_retry_not_applicable";

    // --- the event log ---

    /** The run's event log breaks the kernel's invariants (a terminal event without an entry, …). */
    public static final String INVALID_EVENT_LOG = "invalid_event_log";
    /** The engine stopped writing this run after a failed append (another writer, or storage). */
    public static final String RUN_WRITER_FENCED = "run_writer_fenced";

    // --- recorded in StateFailed ---

    /**
     * An {@code ApplySideEffect} state without an idempotency key was interrupted (entered, never
     * ended); it is not re-run blindly.
     */
    public static final String INTERRUPTED_SIDE_EFFECT = "interrupted_side_effect";
    /** Two states of one fan-out wave wrote the same context key. */
    public static final String CONTEXT_WRITE_CONFLICT = "context_write_conflict";
    /** The run was cancelled while the state ran. */
    public static final String CANCELLED = "cancelled";
    /** A handler threw something other than a Cairn {@code MachineException}. */
    public static final String UNEXPECTED_EXCEPTION = "unexpected_exception";
    /** A replayed state's snapshot differs from the original's. */
    public static final String DETERMINISM_VIOLATION = "determinism_violation";

    private KernelCodes() {}
}
