package dev.cairn.sinks;

/**
 * Resolves a secret that a sink's configuration names ({@code secret: CI_WEBHOOK_SECRET}): the
 * configuration holds names only, never values. The composition root backs it with the server's
 * secret store; tests with a map.
 */
@FunctionalInterface
public interface SecretLookup {

    /**
     * The value of the secret {@code name}, as bytes (a fresh array the caller may clear).
     *
     * @throws SinkException {@code secret_unavailable} when there is no such secret
     */
    byte[] secret(String name);

    /** A lookup that knows no secret: every call fails with {@code secret_unavailable}. */
    static SecretLookup none() {
        return name -> {
            throw SinkException.secretUnavailable(name, "no secret store is configured");
        };
    }
}
