package dev.cairn.server;

import dev.cairn.store.sqlite.Row;
import dev.cairn.store.sqlite.SqliteDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link TokenStore} in the orchestrator's SQLite database (table {@code server_tokens}), so that
 * tokens live, and are backed up, with the runs they give access to. Open the database with the
 * migration module {@value #MIGRATION_MODULE} ({@code SqliteOptions.builder(file)
 * .migrationModule(SqliteTokenStore.MIGRATION_MODULE)}). Writes are durable when they return.
 */
public final class SqliteTokenStore implements TokenStore {

    /** The migration module of the token table ({@code classpath:db/sqlite/server}). */
    public static final String MIGRATION_MODULE = "server";

    private static final String COLUMNS = "id, name, kind, token_sha256, created_at_millis, revoked_at_millis";

    private final SqliteDatabase db;

    /** A store over {@code db}, which must have been opened with {@link #MIGRATION_MODULE}. */
    public SqliteTokenStore(SqliteDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
        if (!db.options().migrationModules().contains(MIGRATION_MODULE)) {
            throw new IllegalArgumentException("open the database with migration module '" + MIGRATION_MODULE
                    + "' (SqliteOptions.builder(file).migrationModule(\"" + MIGRATION_MODULE + "\"))");
        }
    }

    @Override
    public void insert(TokenRecord record) {
        Objects.requireNonNull(record, "record");
        db.write(tx -> {
            boolean taken = tx.queryOne(
                            "SELECT 1 FROM server_tokens WHERE name = ? AND revoked_at_millis IS NULL",
                            row -> row.getLong(1),
                            record.name())
                    .isPresent();
            if (taken) {
                throw ServerException.tokenNameTaken(record.name());
            }
            tx.update(
                    "INSERT INTO server_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    record.id(),
                    record.name(),
                    record.kind().wireName(),
                    record.sha256(),
                    record.createdAt().toEpochMilli(),
                    record.revokedAt().map(Instant::toEpochMilli).orElse(null));
            return null;
        });
    }

    @Override
    public Optional<TokenRecord> findBySha256(String sha256) {
        return db.read(reader -> reader.queryOne(
                "SELECT " + COLUMNS + " FROM server_tokens WHERE token_sha256 = ?", SqliteTokenStore::record, sha256));
    }

    @Override
    public List<TokenRecord> list() {
        return db.read(reader ->
                reader.query("SELECT " + COLUMNS + " FROM server_tokens ORDER BY rowid", SqliteTokenStore::record));
    }

    @Override
    public boolean revoke(String nameOrId, Instant at) {
        return db.write(tx -> tx.update(
                        "UPDATE server_tokens SET revoked_at_millis = ?"
                                + " WHERE revoked_at_millis IS NULL AND (name = ? OR id = ?)",
                        at.toEpochMilli(),
                        nameOrId,
                        nameOrId)
                > 0);
    }

    private static TokenRecord record(Row row) {
        TokenKind kind = TokenKind.parse(row.getString(3))
                .orElseThrow(() -> new IllegalStateException("server_tokens.kind is checked by the table"));
        return new TokenRecord(
                row.getString(1),
                row.getString(2),
                kind,
                row.getString(4),
                Instant.ofEpochMilli(row.getLong(5)),
                row.isNull(6) ? Optional.empty() : Optional.of(Instant.ofEpochMilli(row.getLong(6))));
    }
}
