package dev.cairn.server;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the server keeps its tokens: as {@link TokenRecord}s, by the SHA-256 of the token, never
 * the token. Implementations are thread-safe; {@link SqliteTokenStore} keeps them in the
 * orchestrator's database, {@link InMemoryTokenStore} in memory (tests).
 */
public interface TokenStore {

    /**
     * Adds a token.
     *
     * @throws ServerException {@code token_name_taken} when an active token has the same name
     */
    void insert(TokenRecord record);

    /** The token whose SHA-256 is {@code sha256} (lowercase hex), active or revoked. */
    Optional<TokenRecord> findBySha256(String sha256);

    /** Every token, active and revoked, in the order they were created. */
    List<TokenRecord> list();

    /**
     * Revokes the active token named {@code nameOrId} (its name or its id) at {@code at}.
     *
     * @return whether a token was revoked
     */
    boolean revoke(String nameOrId, Instant at);
}
