package dev.cairn.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A token as the server keeps it: never the token itself, only its SHA-256.
 *
 * @param id a short public handle: the first 12 hex digits of the hash
 * @param name the name given at creation, unique among active tokens
 * @param kind what the token may do
 * @param sha256 the lowercase hex SHA-256 of the token's UTF-8 bytes
 * @param createdAt when it was created
 * @param revokedAt when it was revoked; a revoked token authenticates nothing
 */
public record TokenRecord(
        String id, String name, TokenKind kind, String sha256, Instant createdAt, Optional<Instant> revokedAt) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Tokens.checkName(name);
        Objects.requireNonNull(kind, "kind");
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        Objects.requireNonNull(createdAt, "created_at");
        Objects.requireNonNull(revokedAt, "revoked_at");
    }

    /** Whether the token still authenticates. */
    public boolean active() {
        return revokedAt.isEmpty();
    }

    /** This record, revoked at {@code at}. */
    public TokenRecord revoked(Instant at) {
        return new TokenRecord(id, name, kind, sha256, createdAt, Optional.of(at));
    }
}
