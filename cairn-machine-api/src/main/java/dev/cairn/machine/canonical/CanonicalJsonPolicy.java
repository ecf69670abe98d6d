package dev.cairn.machine.canonical;

/**
 * Seed {@code canonical::CanonicalJsonPolicy}: marker for the canonical JSON hashing policy.
 *
 * <p>Design contract: structured data that participates in hashing (manifests, context snapshots,
 * fact payloads) MUST be serialized as canonical JSON, RFC 8785 (JCS). The implementation is {@code
 * cairn-json}'s; this interface only reserves the concept, as the seed does. Implementations must be
 * safe to share between threads.
 */
public interface CanonicalJsonPolicy {}
