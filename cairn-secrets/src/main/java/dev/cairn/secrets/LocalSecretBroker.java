package dev.cairn.secrets;

import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretView;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker over a {@link LocalSecretStore}; it supports runtime leases.
 *
 * <p>{@link #resolve} decrypts the current version each time. {@link #prepareRuntimeSecretLease}
 * gives the cell a lease naming the secrets it may {@link #fetchRuntimeSecret fetch} while it runs,
 * each until its own time to live, and a fresh correlation id ({@code lease-} and 32 hex digits)
 * that the host puts on the cell's lifecycle events ({@link #correlationId}). Every key must exist
 * when the lease is prepared; a cell holds one lease; a fetch outside the lease, after its time to
 * live or after revocation is refused. {@link #revokeForCell} wipes what the cell was given and ends
 * its lease. Thread-safe.
 */
public final class LocalSecretBroker extends CellScopedSecretBroker implements LeasingSecretBroker {

    /** A cell's lease: its id and, per secret, until when it may be fetched. */
    private record Lease(String correlationId, Map<String, Instant> expiresAt) {}

    private final LocalSecretStore store;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    LocalSecretBroker(LocalSecretStore store, InstantSource clock) {
        super(clock);
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    protected byte[] read(String name) {
        return store.read(name);
    }

    @Override
    public String source() {
        return "secret store " + store.directory();
    }

    /** The store's keyed digest of the current version of {@code name}, for cache keys ({@link LocalSecretStore#versionDigest}). */
    public String versionDigest(String name) {
        return store.versionDigest(name);
    }

    @Override
    public void prepareRuntimeSecretLease(String cellId, List<RuntimeSecretLeaseRequest> requests) {
        try {
            SecretPolicy.requireCellId(cellId);
            Objects.requireNonNull(requests, "requests");
            Instant now = clock.instant();
            Map<String, Instant> expiry = new LinkedHashMap<>();
            for (RuntimeSecretLeaseRequest r : requests) {
                SecretPolicy.requireName(r.key());
                SecretPolicy.requireTtl(r.ttlSeconds());
                if (store.info(r.key()).isEmpty()) {
                    throw SecretsException.notFound(r.key(), "the secret store " + store.directory());
                }
                expiry.merge(r.key(), now.plusSeconds(r.ttlSeconds()), (a, b) -> a.isAfter(b) ? a : b);
            }
            byte[] id = new byte[16];
            random.nextBytes(id);
            Lease lease = new Lease("lease-" + HexFormat.of().formatHex(id), Map.copyOf(expiry));
            if (leases.putIfAbsent(cellId, lease) != null) {
                throw SecretsException.leaseExists(cellId);
            }
        } catch (SecretsException e) {
            throw e.toCellException();
        }
    }

    @Override
    public SecretView fetchRuntimeSecret(String key, String cellId, long ttlSeconds) {
        try {
            SecretPolicy.requireName(key);
            SecretPolicy.requireCellId(cellId);
            SecretPolicy.requireTtl(ttlSeconds);
            Lease lease = leases.get(cellId);
            if (lease == null) {
                throw SecretsException.notLeased("cell " + cellId + " holds no runtime lease");
            }
            Instant until = lease.expiresAt().get(key);
            if (until == null) {
                throw SecretsException.notLeased("secret " + key + " is not in the runtime lease of cell " + cellId);
            }
            Instant now = clock.instant();
            if (!now.isBefore(until)) {
                throw SecretsException.expired("the runtime lease of secret " + key, cellId);
            }
            Instant wanted = now.plusSeconds(ttlSeconds);
            SecretView view = issue(key, cellId, wanted.isBefore(until) ? wanted : until);
            if (leases.get(cellId) != lease) {
                view.close(); // the cell was revoked while the value was read
                throw SecretsException.revoked(cellId);
            }
            return view;
        } catch (SecretsException e) {
            throw e.toCellException();
        }
    }

    @Override
    protected void revoking(String cellId) {
        leases.remove(cellId);
    }

    @Override
    public Optional<String> correlationId(String cellId) {
        Lease lease = leases.get(cellId);
        return lease == null ? Optional.empty() : Optional.of(lease.correlationId());
    }

    /**
     * Empty: this broker serves many cells, and its correlation ids are per cell. Use {@link
     * #correlationId(String)} or {@link #forCell(String)}.
     */
    @Override
    public Optional<String> brokerCorrelationId() {
        return Optional.empty();
    }
}
