package dev.cairn.orchestrator.embedded;

import dev.cairn.secrets.LocalSecretStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What the orchestrator may know about the secret broker its runner nodes resolve secrets from:
 * which names exist (checked when a pipeline is submitted) and which version each name resolves to
 * (a keyed digest of it enters the cache keys of steps that declare the secret, so a rotated secret
 * makes them miss). Never a value. Thread-safe.
 */
public interface SecretCatalog {

    /** Whether the broker holds {@code name}. */
    boolean contains(String name);

    /**
     * An opaque version of {@code name} that changes whenever its value does; empty when the broker
     * does not track versions (steps declaring the secret are then never cached: a rotation could
     * not be seen) or does not hold the name.
     */
    Optional<String> version(String name);

    /** What the broker is, for messages ({@code the local secret store /home/ada/.cairn/secrets}). */
    String description();

    /**
     * The catalog of Cairn's encrypted local store: names from its files, versions as the store's
     * keyed digest of the current version ({@link LocalSecretStore#versionDigest}), which changes
     * with every {@code cairn secrets set}.
     */
    static SecretCatalog of(LocalSecretStore store) {
        Objects.requireNonNull(store, "store");
        return new SecretCatalog() {
            @Override
            public boolean contains(String name) {
                return store.info(name).isPresent();
            }

            @Override
            public Optional<String> version(String name) {
                return contains(name) ? Optional.of(store.versionDigest(name)) : Optional.empty();
            }

            @Override
            public String description() {
                return "the local secret store " + store.directory();
            }
        };
    }
}
