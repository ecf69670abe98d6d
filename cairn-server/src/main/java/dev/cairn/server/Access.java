package dev.cairn.server;

import java.util.List;

/** Who may call a route: anyone, or holders of some kinds of token. */
enum Access {
    /** Operations routes: no token, and a token sent is not looked at. */
    OPEN(List.of()),
    CLIENT(List.of(TokenKind.CLIENT)),
    RUNNER(List.of(TokenKind.RUNNER)),
    CLIENT_OR_RUNNER(List.of(TokenKind.CLIENT, TokenKind.RUNNER));

    private final List<TokenKind> kinds;

    Access(List<TokenKind> kinds) {
        this.kinds = kinds;
    }

    /** The kinds of token that may call the route; empty for open routes. */
    List<TokenKind> kinds() {
        return kinds;
    }

    boolean allows(TokenKind kind) {
        return kinds.contains(kind);
    }
}
