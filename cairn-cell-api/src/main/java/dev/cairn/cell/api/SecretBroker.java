package dev.cairn.cell.api;

import java.util.List;
import java.util.Optional;

/**
 * Resolves secret references for one cell at a time, with a TTL, and forgets them when the cell is
 * torn down. Nothing is taken from the ambient environment. Implementations are thread-safe.
 */
public interface SecretBroker {

    /** The message the default {@link #prepareRuntimeSecretLease} refuses with (the seed's words). */
    String RUNTIME_LEASE_UNSUPPORTED = "runtimeLeasedBroker is not supported by this secret broker";

    /** Resolves {@code key} for {@code cellId}, valid for {@code ttlSeconds}; code {@code secret_broker} on failure. */
    SecretView resolve(String key, String cellId, long ttlSeconds) throws CellException;

    /** Drops everything cached or leased for {@code cellId}; called after the cell's teardown. */
    void revokeForCell(String cellId) throws CellException;

    /**
     * Prepares upstream leases or tokens for secrets the cell will fetch while it runs, to be
     * revoked by {@link #revokeForCell}. Optional: the default refuses with code {@code
     * secret_broker} and the message {@value #RUNTIME_LEASE_UNSUPPORTED}.
     */
    default void prepareRuntimeSecretLease(String cellId, List<RuntimeSecretLeaseRequest> requests)
            throws CellException {
        throw CellException.secretBroker(RUNTIME_LEASE_UNSUPPORTED);
    }

    /** Fetches a secret during the run; the default resolves it afresh on each call. */
    default SecretView fetchRuntimeSecret(String key, String cellId, long ttlSeconds) throws CellException {
        return resolve(key, cellId, ttlSeconds);
    }

    /**
     * A broker-side correlation id (a session or rotation id) to put on lifecycle events when the
     * document has no {@code spec.correlation.correlationId}; empty by default.
     */
    default Optional<String> brokerCorrelationId() {
        return Optional.empty();
    }
}
