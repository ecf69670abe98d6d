package dev.cairn.server;

import java.util.Objects;

/**
 * A token just created: the secret (shown to the user once, never stored) and what the server
 * keeps of it. {@link #toString()} never prints the secret.
 */
public record IssuedToken(String token, TokenRecord record) {

    public IssuedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(record, "record");
    }

    @Override
    public String toString() {
        return "IssuedToken[token=<redacted>, record=" + record + "]";
    }
}
