package dev.cairn.machine.errors;

/**
 * Seed {@code errors::ErrorCategory}: coarse category of a failure, for policies and display. Wire
 * form: {@code "ParsingInput"}, {@code "OnChain"}, {@code "OffChain"}, {@code "Rpc"}, {@code
 * "Storage"}, {@code "Context"}, {@code "Unknown"}.
 */
public enum ErrorCategory {
    /** Failed while parsing user input or structured payloads. */
    PARSING_INPUT,
    /** Failed while interacting with on-chain state or transactions. */
    ON_CHAIN,
    /** Failed while interacting with off-chain systems or services. */
    OFF_CHAIN,
    /** Failed while talking to RPC-like endpoints. */
    RPC,
    /** Failed while reading or writing persisted state. */
    STORAGE,
    /** Failed while reading or mutating execution context. */
    CONTEXT,
    /** Failed for an uncategorized reason. */
    UNKNOWN
}
