package dev.cairn.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates and checks bearer tokens over a {@link TokenStore}: what {@code cairn token create}
 * calls, and what the server asks on every request that carries a token.
 *
 * <p>A token is {@code cairn_<k>_<43 characters>}: {@code k} is {@code c} (client) or {@code r}
 * (runner), the rest 256 random bits from {@link SecureRandom} in unpadded base64url. The store
 * keeps only the SHA-256 of the token's UTF-8 bytes; a lookup finds the record by that hash and
 * compares the hashes once more in constant time ({@link MessageDigest#isEqual}), so the check
 * leaks nothing through timing about tokens the caller does not hold.
 */
public final class Tokens {

    /** The prefix of every token. */
    public static final String PREFIX = "cairn_";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOKEN = Pattern.compile("cairn_[a-z]_[A-Za-z0-9_-]{43}");
    private static final int RANDOM_BYTES = 32;

    private final TokenStore store;
    private final Clock clock;
    private final SecureRandom random;

    /** Tokens over {@code store}, with the system clock and a strong {@link SecureRandom}. */
    public Tokens(TokenStore store) {
        this(store, Clock.systemUTC(), new SecureRandom());
    }

    public Tokens(TokenStore store, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The store the tokens live in. */
    public TokenStore store() {
        return store;
    }

    /**
     * Creates a token of {@code kind} named {@code name} and stores its hash. The returned {@link
     * IssuedToken#token()} is the only copy of the token: show it to the user once.
     *
     * @throws ServerException {@code invalid_token_name}, {@code token_name_taken}
     */
    public IssuedToken create(TokenKind kind, String name) {
        Objects.requireNonNull(kind, "kind");
        checkName(name);
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        String token = PREFIX + kind.letter() + "_"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String hash = sha256Hex(token);
        TokenRecord record =
                new TokenRecord(hash.substring(0, 12), name, kind, hash, clock.instant(), Optional.empty());
        store.insert(record);
        return new IssuedToken(token, record);
    }

    /**
     * The active token {@code presented} is, if any: empty for a malformed, unknown or revoked
     * token, or one whose kind letter does not match its record.
     */
    public Optional<TokenRecord> authenticate(String presented) {
        if (presented == null || !TOKEN.matcher(presented).matches()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        Optional<TokenRecord> found = store.findBySha256(HexFormat.of().formatHex(hash));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TokenRecord record = found.get();
        boolean same = MessageDigest.isEqual(hash, HexFormat.of().parseHex(record.sha256()));
        boolean kindMatches = record.kind().letter() == presented.charAt(PREFIX.length());
        return same && kindMatches && record.active() ? found : Optional.empty();
    }

    /** Every token, active and revoked, in the order they were created. */
    public List<TokenRecord> list() {
        return store.list();
    }

    /** Whether any token is active (a server reachable beyond loopback needs one to start). */
    public boolean anyActive() {
        return store.list().stream().anyMatch(TokenRecord::active);
    }

    /** Revokes the active token named (or with the id) {@code nameOrId}; whether there was one. */
    public boolean revoke(String nameOrId) {
        Objects.requireNonNull(nameOrId, "name_or_id");
        return store.revoke(nameOrId, clock.instant());
    }

    /** The lowercase hex SHA-256 of the token's UTF-8 bytes: what a store keeps. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ServerException.invalidTokenName(name);
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
