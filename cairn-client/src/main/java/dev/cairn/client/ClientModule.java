package dev.cairn.client;

/** A typed Java client of Cairn's HTTP API. */
public final class ClientModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-client";

    private ClientModule() {}
}
