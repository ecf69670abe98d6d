package dev.cairn.machine.runtime.io;

/**
 * Stable error codes of live and replay IO (besides the seed's {@code missing_fact_key} and {@code
 * missing_fact} in {@code ErrorCodes}). Never change one.
 */
public final class IoCodes {

    /** No transport is registered for the call's namespace (nor for any group it belongs to). */
    public static final String IO_UNKNOWN_NAMESPACE = "io_unknown_namespace";
    /** A fact key is already bound to a different payload in this run. */
    public static final String FACT_CONFLICT = "fact_conflict";
    /** A value to record as a fact holds something that looks like a secret. */
    public static final String SECRET_IN_FACT = "secret_in_fact";
    /** A value to record as a fact has no RFC 8785 canonical form. */
    public static final String FACT_NOT_CANONICAL = "fact_not_canonical";
    /** A recorded fact payload does not have the shape its reader expects. */
    public static final String FACT_PAYLOAD_INVALID = "fact_payload_invalid";
    /** Replay: {@code record_value} computed a value other than the one the original run recorded. */
    public static final String REPLAY_FACT_MISMATCH = "replay_fact_mismatch";
    /** A transport failed with something other than an {@code IoException}. */
    public static final String TRANSPORT_FAILED = "transport_failed";

    private IoCodes() {}
}
