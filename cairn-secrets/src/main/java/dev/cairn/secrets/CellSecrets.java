package dev.cairn.secrets;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretBroker;
import dev.cairn.cell.api.SecretView;
import dev.cairn.secrets.mask.Masker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The secrets of one cell: resolved for that cell only, with a time to live, delivered as
 * environment variables and files, masked in everything the cell prints, and revoked at teardown.
 *
 * <p>How a host uses it around one cell (see {@code docs/secrets.md}):
 *
 * <pre>{@code
 * try (CellSecrets secrets = CellSecrets.resolve(broker, cellId, step.secrets(), timeout.plusMinutes(5))) {
 *     CellSpec.Builder spec = CellSpec.builder(cellId, workspace).argv(argv).env(env).env(secrets.environment());
 *     secrets.files().forEach(f -> spec.file(f.name(), f.content()));
 *     CellRun run = runtime.run(spec.build());
 *     byte[] stdout = secrets.masker().mask(run.result().stdout());   // before it is stored or shown
 *     events.cellStarted(cellId, secrets.correlationId());
 * }   // close() = revoke(): after the cell's teardown
 * }</pre>
 *
 * <p>{@link #resolve} first prepares a runtime lease when the broker is a {@link
 * LeasingSecretBroker} (its correlation id is then {@link #correlationId()}; otherwise the broker's
 * {@link SecretBroker#brokerCorrelationId()}), then resolves each declared name once. If any fails,
 * what was resolved is revoked and the failure is thrown. The {@link #masker()} is built from every
 * value at once, so a value that cannot be masked (too short) is never delivered.
 *
 * <p>After the time to live, {@link #environment()}, {@link #files()} and {@link #fetch} are refused
 * ({@code secret_expired}) and the views are wiped; after {@link #revoke()} they are refused with
 * {@code secret_revoked}. The {@link #masker()} stays usable after both, because output is still
 * masked after the cell is gone (uploads, logs, export). Broker failures are {@link CellException}s
 * ({@code secret_broker}); the others {@link SecretsException}s. Thread-safe.
 */
public final class CellSecrets implements AutoCloseable {

    private final SecretBroker broker;
    private final String cellId;
    private final List<SecretRequest> requests;
    private final Map<String, SecretView> views;
    private final Masker masker;
    private final Optional<String> correlationId;
    private final Instant expiresAt;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean revoked;
    private boolean expired;

    private CellSecrets(
            SecretBroker broker,
            String cellId,
            List<SecretRequest> requests,
            Map<String, SecretView> views,
            Masker masker,
            Optional<String> correlationId,
            Instant expiresAt,
            InstantSource clock) {
        this.broker = broker;
        this.cellId = cellId;
        this.requests = requests;
        this.views = views;
        this.masker = masker;
        this.correlationId = correlationId;
        this.expiresAt = expiresAt;
        this.clock = clock;
    }

    /** {@link #resolve(SecretBroker, String, List, Duration, InstantSource)} with the system clock. */
    public static CellSecrets resolve(SecretBroker broker, String cellId, List<SecretRequest> requests, Duration ttl) {
        return resolve(broker, cellId, requests, ttl, InstantSource.system());
    }

    /**
     * Resolves {@code requests} for {@code cellId}, valid for {@code ttl} (whole seconds, rounded
     * up; 1 s to 31 days).
     *
     * @throws SecretsException {@code invalid_secret_request} when two requests deliver to one
     *     variable or file, {@code invalid_ttl}, {@code invalid_cell_id}
     * @throws CellException {@code secret_broker} when the broker fails (the cause says why)
     */
    public static CellSecrets resolve(
            SecretBroker broker, String cellId, List<SecretRequest> requests, Duration ttl, InstantSource clock) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clock, "clock");
        SecretPolicy.requireCellId(cellId);
        long ttlSeconds = ttl.isNegative()
                ? -1
                : ttl.compareTo(Duration.ofSeconds(SecretPolicy.MAX_TTL_SECONDS)) > 0
                        ? Long.MAX_VALUE
                        : ttl.plusNanos(999_999_999).getSeconds();
        SecretPolicy.requireTtl(ttlSeconds);
        List<SecretRequest> copy = List.copyOf(requests);
        List<String> names = checkRequests(copy);

        Optional<String> correlation;
        if (broker instanceof LeasingSecretBroker leasing && !names.isEmpty()) {
            List<RuntimeSecretLeaseRequest> lease = names.stream()
                    .map(n -> new RuntimeSecretLeaseRequest(n, ttlSeconds))
                    .toList();
            leasing.prepareRuntimeSecretLease(cellId, lease);
            correlation = leasing.correlationId(cellId);
        } else {
            correlation = broker.brokerCorrelationId();
        }
        Instant expiresAt = clock.instant().plusSeconds(ttlSeconds);
        Map<String, SecretView> views = new LinkedHashMap<>();
        try {
            for (String name : names) {
                views.put(name, broker.resolve(name, cellId, ttlSeconds));
            }
            Masker.Builder masker = Masker.builder();
            views.values().forEach(masker::secret);
            return new CellSecrets(
                    broker,
                    cellId,
                    copy,
                    Collections.unmodifiableMap(views),
                    masker.build(),
                    correlation,
                    expiresAt,
                    clock);
        } catch (RuntimeException e) {
            views.values().forEach(SecretView::close);
            try {
                broker.revokeForCell(cellId);
            } catch (RuntimeException revokeFailure) {
                e.addSuppressed(revokeFailure);
            }
            throw e;
        }
    }

    /** The distinct names, in order; refuses two deliveries to one variable or file. */
    private static List<String> checkRequests(List<SecretRequest> requests) {
        List<String> names = new ArrayList<>();
        Set<String> variables = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (SecretRequest r : requests) {
            Objects.requireNonNull(r, "requests[]");
            if (!names.contains(r.name())) {
                names.add(r.name());
            }
            switch (r.delivery()) {
                case SecretRequest.Delivery.Env env -> {
                    if (!variables.add(env.variable())) {
                        throw SecretsException.invalidRequest(
                                "two secrets are delivered as the variable " + env.variable());
                    }
                }
                case SecretRequest.Delivery.File file -> {
                    if (!files.add(file.fileName())) {
                        throw SecretsException.invalidRequest(
                                "two secrets are delivered as the file " + file.fileName());
                    }
                }
            }
        }
        return List.copyOf(names);
    }

    /** The cell these secrets are for. */
    public String cellId() {
        return cellId;
    }

    /** The distinct secret names declared, in order (for events and cache keys: never values). */
    public List<String> names() {
        return List.copyOf(views.keySet());
    }

    /** The requests, as given. */
    public List<SecretRequest> requests() {
        return requests;
    }

    /** When these secrets expire. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The correlation id for the cell's lifecycle events: the lease's, or the broker's. */
    public Optional<String> correlationId() {
        return correlationId;
    }

    /** Masks every form of every resolved value; usable after expiry and revocation. */
    public Masker masker() {
        return masker;
    }

    /**
     * The variables to add to the cell's environment: variable name to value.
     *
     * @throws SecretsException {@code secret_expired}, {@code secret_revoked}
     */
    public SortedMap<String, String> environment() {
        lock.lock();
        try {
            requireUsable();
            TreeMap<String, String> env = new TreeMap<>();
            for (SecretRequest r : requests) {
                if (r.delivery() instanceof SecretRequest.Delivery.Env e) {
                    env.put(e.variable(), views.get(r.name()).reveal());
                }
            }
            return Collections.unmodifiableSortedMap(env);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The files to place in the cell's secrets directory (a host makes them {@code CellFile}s); the
     * caller should {@link SecretFile#wipe()} them once the cell has them.
     *
     * @throws SecretsException {@code secret_expired}, {@code secret_revoked}
     */
    public List<SecretFile> files() {
        lock.lock();
        try {
            requireUsable();
            List<SecretFile> files = new ArrayList<>();
            for (SecretRequest r : requests) {
                if (r.delivery() instanceof SecretRequest.Delivery.File f) {
                    byte[] bytes = views.get(r.name()).reveal().getBytes(StandardCharsets.UTF_8);
                    files.add(new SecretFile(f.fileName(), bytes));
                    Arrays.fill(bytes, (byte) 0);
                }
            }
            return List.copyOf(files);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fetches a declared secret again while the cell runs ({@link SecretBroker#fetchRuntimeSecret}),
     * for what remains of the time to live.
     *
     * @throws SecretsException {@code invalid_secret_request} for a name not declared, {@code
     *     secret_expired}, {@code secret_revoked}
     */
    public SecretView fetch(String name) {
        lock.lock();
        try {
            if (!views.containsKey(name)) {
                throw SecretsException.invalidRequest(
                        "secret " + SecretPolicy.describeName(name) + " was not declared for cell " + cellId);
            }
            requireUsable();
            long remaining =
                    Math.max(1, Duration.between(clock.instant(), expiresAt).toSeconds());
            return broker.fetchRuntimeSecret(name, cellId, remaining);
        } finally {
            lock.unlock();
        }
    }

    private void requireUsable() {
        if (revoked) {
            throw SecretsException.revoked(cellId);
        }
        if (expired || !clock.instant().isBefore(expiresAt)) {
            expired = true;
            views.values().forEach(SecretView::close);
            throw SecretsException.expired("the secrets", cellId);
        }
    }

    /** Whether {@link #revoke()} ran. */
    public boolean isRevoked() {
        lock.lock();
        try {
            return revoked;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wipes the values and has the broker revoke everything the cell holds ({@link
     * SecretBroker#revokeForCell}); call it after the cell's teardown. Idempotent.
     */
    public void revoke() {
        lock.lock();
        try {
            if (revoked) {
                return;
            }
            revoked = true;
            views.values().forEach(SecretView::close);
        } finally {
            lock.unlock();
        }
        broker.revokeForCell(cellId);
    }

    /** {@link #revoke()}. */
    @Override
    public void close() {
        revoke();
    }

    /** The cell and the names: never a value. */
    @Override
    public String toString() {
        return "CellSecrets[cell=" + cellId + ", names=" + views.keySet() + ", expiresAt=" + expiresAt + "]";
    }
}
