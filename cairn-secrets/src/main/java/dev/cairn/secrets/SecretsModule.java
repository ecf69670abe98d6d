package dev.cairn.secrets;

/** Secret brokers (environment, directory, encrypted local store), per-cell delivery and revocation, and output masking. */
public final class SecretsModule {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-secrets";

    private SecretsModule() {}
}
