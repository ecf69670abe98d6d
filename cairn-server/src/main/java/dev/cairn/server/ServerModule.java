package dev.cairn.server;

/** The HTTP server (Helidon SE): seed 003's orchestrator contract, Cairn's run, lease and artifact routes, auth, SSE, metrics. */
public final class ServerModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-server";

    private ServerModule() {}
}
