package dev.cairn.sinks;

/** CloudEvents sinks (JSON Lines, webhook, NATS JetStream), delivery from the durable log, and export sinks. */
public final class SinksModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-sinks";

    private SinksModule() {}
}
