package dev.cairn.secrets;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.SecretBroker;
import dev.cairn.cell.api.SecretView;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The part every Cairn broker shares: what each cell holds, until when, and wiping it.
 *
 * <p>{@link #resolve} reads the current value ({@link #read}), checks it ({@link
 * SecretPolicy#requireValue}), and hands out a {@link SecretView} that the broker keeps track of
 * under the cell's id with its expiry ({@code now + ttlSeconds}). {@link #revokeForCell} {@link
 * SecretView#close() wipes} every view the cell was given, so a caller still holding one can no
 * longer {@link SecretView#reveal() reveal} it; a resolve racing with the revocation of its cell
 * fails rather than hand out a view nobody will wipe. Views whose time to live has passed are wiped
 * at the next call to the broker, or by {@link #sweepExpired()}, which a host may call on a timer.
 * After revocation the cell id may be used again by a new cell.
 *
 * <p>Failures are {@link CellException}s with code {@code secret_broker} (the port's contract)
 * whose cause is a {@link SecretsException} with the precise code. Thread-safe.
 */
public abstract class CellScopedSecretBroker implements SecretBroker {

    /** A view handed out, and until when it may be used. */
    private record Held(String name, SecretView view, Instant expiresAt) {}

    /** What one cell holds. */
    private static final class Holdings {
        final List<Held> held = new ArrayList<>();
        boolean revoked;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Holdings> cells = new HashMap<>();

    /** The clock TTLs are measured with. */
    protected final InstantSource clock;

    protected CellScopedSecretBroker(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The current value of the secret {@code name} (already a valid name). The caller wipes the
     * returned array.
     *
     * @throws SecretsException {@code secret_not_found} and the like
     */
    protected abstract byte[] read(String name);

    /** Where this broker's secrets come from, for messages, e.g. {@code directory /run/secrets}. */
    public abstract String source();

    @Override
    public final SecretView resolve(String key, String cellId, long ttlSeconds) {
        try {
            SecretPolicy.requireName(key);
            SecretPolicy.requireCellId(cellId);
            SecretPolicy.requireTtl(ttlSeconds);
            return issue(key, cellId, clock.instant().plusSeconds(ttlSeconds));
        } catch (SecretsException e) {
            throw e.toCellException();
        }
    }

    /**
     * Reads {@code name} and hands it to {@code cellId} until {@code expiresAt}; for subclasses
     * that decide the expiry themselves (runtime leases).
     */
    protected final SecretView issue(String name, String cellId, Instant expiresAt) {
        Holdings holdings;
        lock.lock();
        try {
            sweep(clock.instant());
            holdings = cells.computeIfAbsent(cellId, c -> new Holdings());
        } finally {
            lock.unlock();
        }
        byte[] value = read(name);
        SecretView view;
        try {
            SecretPolicy.requireValue(name, value);
            view = SecretView.of(name, new String(value, StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(value, (byte) 0);
        }
        lock.lock();
        try {
            if (holdings.revoked || cells.get(cellId) != holdings) {
                view.close();
                throw SecretsException.revoked(cellId);
            }
            holdings.held.add(new Held(name, view, expiresAt));
            return view;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void revokeForCell(String cellId) {
        try {
            SecretPolicy.requireCellId(cellId);
        } catch (SecretsException e) {
            throw e.toCellException();
        }
        revoking(cellId);
        lock.lock();
        try {
            Holdings holdings = cells.remove(cellId);
            if (holdings != null) {
                holdings.revoked = true;
                holdings.held.forEach(h -> h.view().close());
                holdings.held.clear();
            }
            sweep(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by {@link #revokeForCell} before it wipes the cell's views: end leases and the like,
     * so that nothing new is handed out while the views are wiped.
     */
    protected void revoking(String cellId) {}

    /**
     * Wipes every view whose time to live has passed.
     *
     * @return how many were wiped
     */
    public int sweepExpired() {
        lock.lock();
        try {
            return sweep(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    private int sweep(Instant now) {
        int wiped = 0;
        for (Holdings holdings : cells.values()) {
            Iterator<Held> it = holdings.held.iterator();
            while (it.hasNext()) {
                Held h = it.next();
                if (!now.isBefore(h.expiresAt())) {
                    h.view().close();
                    it.remove();
                    wiped++;
                }
            }
        }
        return wiped;
    }

    /** The cells that hold at least one unexpired secret, sorted. */
    public SortedSet<String> cells() {
        lock.lock();
        try {
            sweep(clock.instant());
            SortedSet<String> ids = new TreeSet<>();
            cells.forEach((id, h) -> {
                if (!h.held.isEmpty()) {
                    ids.add(id);
                }
            });
            return Collections.unmodifiableSortedSet(ids);
        } finally {
            lock.unlock();
        }
    }

    /** The names of the unexpired secrets {@code cellId} holds, sorted. */
    public SortedSet<String> heldBy(String cellId) {
        lock.lock();
        try {
            sweep(clock.instant());
            Holdings h = cells.get(cellId);
            SortedSet<String> names = new TreeSet<>();
            if (h != null) {
                h.held.forEach(x -> names.add(x.name()));
            }
            return Collections.unmodifiableSortedSet(names);
        } finally {
            lock.unlock();
        }
    }

    /** When the last of the unexpired secrets {@code cellId} holds expires; empty when it holds none. */
    public Optional<Instant> expiresAt(String cellId) {
        lock.lock();
        try {
            sweep(clock.instant());
            Holdings h = cells.get(cellId);
            return h == null
                    ? Optional.empty()
                    : h.held.stream().map(Held::expiresAt).max(Instant::compareTo);
        } finally {
            lock.unlock();
        }
    }

    /** The source, never a value. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + source() + "]";
    }
}
