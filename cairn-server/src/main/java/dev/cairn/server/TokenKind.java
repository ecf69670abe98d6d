package dev.cairn.server;

import java.util.Locale;
import java.util.Optional;

/**
 * What a bearer token may do. Client tokens call the run routes (seed 003's orchestrator contract
 * and {@code /v1/runs}, {@code /v1/pipelines}) and move artifacts; runner tokens take leases and
 * move artifacts. The operations routes ({@code /healthz}, {@code /metrics}, {@code
 * /openapi.yaml}) need no token.
 */
public enum TokenKind {
    CLIENT('c'),
    RUNNER('r');

    private final char letter;

    TokenKind(char letter) {
        this.letter = letter;
    }

    /** The lowercase name, as in {@code cairn token create --kind client}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The letter that tags a token of this kind ({@code cairn_c_...}, {@code cairn_r_...}). */
    char letter() {
        return letter;
    }

    /** The kind named {@code name} ({@code client} or {@code runner}), if any. */
    public static Optional<TokenKind> parse(String name) {
        for (TokenKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    static Optional<TokenKind> ofLetter(char letter) {
        for (TokenKind kind : values()) {
            if (kind.letter == letter) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
