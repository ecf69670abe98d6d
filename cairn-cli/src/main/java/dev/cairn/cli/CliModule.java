package dev.cairn.cli;

/** The cairn command. */
public final class CliModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-cli";

    private CliModule() {}
}
