package dev.cairn.workspace.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.time.Clock;
import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqlReader;
import dev.cairn.store.sqlite.SqlTransaction;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@link ActionCache} in a {@link SqliteDatabase}, next to the event log, in the tables of the
 * {@value #MIGRATION_MODULE} migrations ({@code db/sqlite/workspace}): open the database with
 * {@code SqliteOptions.builder(file).migrationModule("workspace")}. Every write is one durable
 * transaction of the database (group-committed with the others).
 */
public final class SqliteActionCache implements ActionCache {

    /** The migration module holding this cache's tables. */
    public static final String MIGRATION_MODULE = "workspace";

    private static final TypeReference<List<OutputArtifact>> OUTPUTS = new TypeReference<>() {};
    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-f]{4,64}");
    private static final String COLUMNS =
            "cache_key, snapshot, exit_code, outputs, size_bytes, created_ms, last_used_ms, hits, origin, preimage";

    private final SqliteDatabase db;
    private final Clock clock;

    private SqliteActionCache(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * The cache in {@code db}.
     *
     * @throws WorkspaceException {@code workspace_schema_missing} when {@code db} was opened without
     *     the {@value #MIGRATION_MODULE} migrations
     */
    public static SqliteActionCache open(SqliteDatabase db, Clock clock) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(clock, "clock");
        if (!db.options().migrationModules().contains(MIGRATION_MODULE)) {
            throw WorkspaceException.schemaMissing(db.file());
        }
        return new SqliteActionCache(db, clock);
    }

    @Override
    public Optional<CacheEntry> lookup(CacheKey key) {
        Objects.requireNonNull(key, "key");
        return db.read(r -> select(r, key));
    }

    @Override
    public Optional<CacheEntry> lookupForUse(CacheKey key, String owner, Duration ttl) {
        Objects.requireNonNull(key, "key");
        checkLease(owner, ttl);
        long now = clock.nowMillis();
        long expires = expiry(now, ttl);
        return db.write(tx -> {
            Optional<CacheEntry> found = select(tx, key);
            if (found.isEmpty()) {
                return found;
            }
            tx.update(
                    "UPDATE action_cache SET last_used_ms = ?, hits = hits + 1 WHERE cache_key = ?", now, key.value());
            CacheEntry entry = found.get();
            insertPin(tx, owner, new PinTarget.Tree(entry.snapshot()), now, expires);
            for (OutputArtifact output : entry.outputs()) {
                insertPin(tx, owner, new PinTarget.Blob(output.id()), now, expires);
            }
            return select(tx, key);
        });
    }

    @Override
    public List<CacheEntry> find(String hexPrefix) {
        Objects.requireNonNull(hexPrefix, "hex_prefix");
        if (!HEX_PREFIX.matcher(hexPrefix).matches()) {
            throw WorkspaceException.invalidValue(
                    "key prefix", "`" + hexPrefix + "` must be 4 to 64 lowercase hex digits");
        }
        return db.read(r -> r.query(
                "SELECT " + COLUMNS + " FROM action_cache WHERE substr(cache_key, 1, ?) = ? ORDER BY cache_key",
                SqliteActionCache::entry,
                hexPrefix.length(),
                hexPrefix));
    }

    @Override
    public List<CacheEntry> list() {
        return db.read(r -> r.query(
                "SELECT " + COLUMNS + " FROM action_cache ORDER BY last_used_ms DESC, cache_key",
                SqliteActionCache::entry));
    }

    @Override
    public CacheStats stats() {
        long now = clock.nowMillis();
        return db.read(r -> {
            long[] totals = r.queryOne(
                            "SELECT count(*), coalesce(sum(size_bytes), 0), coalesce(sum(hits), 0) FROM action_cache",
                            row -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3)})
                    .orElseThrow();
            long pins = r.queryOne(
                            "SELECT count(*) FROM workspace_pins WHERE expires_ms >= ?", row -> row.getLong(1), now)
                    .orElseThrow();
            return new CacheStats(totals[0], totals[1], totals[2], pins);
        });
    }

    @Override
    public CacheEntry commit(CacheCommit commit) {
        Objects.requireNonNull(commit, "commit");
        long now = clock.nowMillis();
        String outputs = Wire.write(commit.outputs());
        String preimage = commit.preimage()
                .map(p -> new String(Canonical.canonicalize(Wire.toTree(p)), StandardCharsets.UTF_8))
                .orElse(null);
        if (commit.preimage().isPresent()
                && !CacheKey.of(commit.preimage().get()).equals(commit.key())) {
            throw WorkspaceException.invalidValue(
                    "preimage", "is not the preimage of key " + commit.key() + "; commit the key it hashes to");
        }
        return db.write(tx -> {
            tx.update(
                    "INSERT INTO action_cache (" + COLUMNS + ") VALUES (?, ?, 0, ?, ?, ?, ?, 0, ?, ?)"
                            + " ON CONFLICT (cache_key) DO UPDATE SET snapshot = excluded.snapshot,"
                            + " exit_code = excluded.exit_code, outputs = excluded.outputs,"
                            + " size_bytes = excluded.size_bytes, created_ms = excluded.created_ms,"
                            + " last_used_ms = excluded.last_used_ms, origin = excluded.origin,"
                            + " preimage = excluded.preimage",
                    commit.key().value(),
                    commit.snapshot().value(),
                    outputs,
                    commit.sizeBytes(),
                    now,
                    now,
                    commit.origin(),
                    preimage);
            return select(tx, commit.key()).orElseThrow();
        });
    }

    @Override
    public boolean touch(CacheKey key) {
        Objects.requireNonNull(key, "key");
        long now = clock.nowMillis();
        return db.write(tx -> tx.update(
                        "UPDATE action_cache SET last_used_ms = ?, hits = hits + 1 WHERE cache_key = ?",
                        now,
                        key.value()))
                == 1;
    }

    @Override
    public boolean remove(CacheKey key) {
        Objects.requireNonNull(key, "key");
        return db.write(tx -> tx.update("DELETE FROM action_cache WHERE cache_key = ?", key.value())) == 1;
    }

    @Override
    public int removeUnusedSince(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        return db.write(tx -> tx.update("DELETE FROM action_cache WHERE last_used_ms < ?", cutoff.toEpochMilli()));
    }

    @Override
    public int trimToSize(long maxBytes) {
        if (maxBytes < 0) {
            throw WorkspaceException.invalidValue("max_bytes", "must not be negative, got " + maxBytes);
        }
        return db.write(tx -> {
            List<String> keys = new ArrayList<>();
            long[] total = {0};
            for (Object[] row : tx.query(
                    "SELECT cache_key, size_bytes FROM action_cache ORDER BY last_used_ms DESC, cache_key",
                    r -> new Object[] {r.getString(1), r.getLong(2)})) {
                total[0] += (Long) row[1];
                if (total[0] > maxBytes) {
                    keys.add((String) row[0]);
                }
            }
            for (String key : keys) {
                tx.update("DELETE FROM action_cache WHERE cache_key = ?", key);
            }
            return keys.size();
        });
    }

    @Override
    public List<Pin> pin(String owner, Collection<PinTarget> targets, Duration ttl) {
        checkLease(owner, ttl);
        List<PinTarget> copy = List.copyOf(targets);
        long now = clock.nowMillis();
        long expires = expiry(now, ttl);
        db.write(tx -> {
            for (PinTarget target : copy) {
                insertPin(tx, owner, target, now, expires);
            }
            return null;
        });
        return copy.stream()
                .map(t -> new Pin(owner, t, Instant.ofEpochMilli(now), Instant.ofEpochMilli(expires)))
                .toList();
    }

    @Override
    public int unpin(String owner) {
        Objects.requireNonNull(owner, "owner");
        return db.write(tx -> tx.update("DELETE FROM workspace_pins WHERE owner = ?", owner));
    }

    @Override
    public List<Pin> pins() {
        long now = clock.nowMillis();
        return db.read(r -> r.query(
                "SELECT owner, target, kind, created_ms, expires_ms FROM workspace_pins WHERE expires_ms >= ?"
                        + " ORDER BY owner, target",
                SqliteActionCache::pin,
                now));
    }

    @Override
    public Roots roots() {
        long now = clock.nowMillis();
        return db.write(tx -> {
            int expired = tx.update("DELETE FROM workspace_pins WHERE expires_ms < ?", now);
            Set<TreeId> trees = new HashSet<>();
            Set<ArtifactId> blobs = new HashSet<>();
            Map<TreeId, String> origins = new HashMap<>();
            List<CacheEntry> entries =
                    tx.query("SELECT " + COLUMNS + " FROM action_cache ORDER BY cache_key", SqliteActionCache::entry);
            for (CacheEntry entry : entries) {
                trees.add(entry.snapshot());
                origins.putIfAbsent(entry.snapshot(), "cache entry " + entry.key());
                entry.outputs().forEach(o -> blobs.add(o.id()));
            }
            List<Pin> pins = tx.query(
                    "SELECT owner, target, kind, created_ms, expires_ms FROM workspace_pins ORDER BY owner, target",
                    SqliteActionCache::pin);
            for (Pin pin : pins) {
                switch (pin.target()) {
                    case PinTarget.Tree t -> {
                        trees.add(t.tree());
                        origins.putIfAbsent(t.tree(), "pin of " + pin.owner());
                    }
                    case PinTarget.Blob b -> blobs.add(b.id());
                }
            }
            return new Roots(entries.size(), pins.size(), expired, trees, blobs, origins);
        });
    }

    // ------------------------------------------------------------------ rows

    private static Optional<CacheEntry> select(SqlReader reader, CacheKey key) {
        return reader.queryOne(
                "SELECT " + COLUMNS + " FROM action_cache WHERE cache_key = ?", SqliteActionCache::entry, key.value());
    }

    private static CacheEntry entry(Row row) {
        String preimage = row.getString(10);
        return new CacheEntry(
                new CacheKey(row.getString(1)),
                new TreeId(row.getString(2)),
                (int) row.getLong(3),
                Wire.read(row.getString(4), OUTPUTS),
                row.getLong(5),
                Instant.ofEpochMilli(row.getLong(6)),
                Instant.ofEpochMilli(row.getLong(7)),
                row.getLong(8),
                row.getString(9),
                preimage == null ? Optional.empty() : Optional.of(Wire.read(preimage, CacheKeyPreimage.class)));
    }

    private static Pin pin(Row row) {
        ArtifactId id = new ArtifactId(row.getString(2));
        PinTarget target = "tree".equals(row.getString(3)) ? new PinTarget.Tree(TreeId.of(id)) : new PinTarget.Blob(id);
        return new Pin(
                row.getString(1), target, Instant.ofEpochMilli(row.getLong(4)), Instant.ofEpochMilli(row.getLong(5)));
    }

    private static void insertPin(SqlTransaction tx, String owner, PinTarget target, long now, long expires) {
        tx.update(
                "INSERT INTO workspace_pins (owner, target, kind, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (owner, target) DO UPDATE SET kind = excluded.kind,"
                        + " created_ms = excluded.created_ms, expires_ms = excluded.expires_ms",
                owner,
                target.artifactId().value(),
                target instanceof PinTarget.Tree ? "tree" : "blob",
                now,
                expires);
    }

    private static void checkLease(String owner, Duration ttl) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
        if (owner.isEmpty()) {
            throw WorkspaceException.invalidValue("owner", "must not be empty");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw WorkspaceException.invalidValue("ttl", "must be positive, got " + ttl);
        }
    }

    private static long expiry(long now, Duration ttl) {
        try {
            return Math.addExact(now, ttl.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
