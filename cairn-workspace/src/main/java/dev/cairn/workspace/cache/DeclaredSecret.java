package dev.cairn.workspace.cache;

import dev.cairn.workspace.WorkspaceException;
import java.util.Objects;

/**
 * A secret a step declares, as the cache key sees it: its name, how it is delivered, and the
 * version the broker will resolve — never its value. The version is turned into a keyed digest
 * ({@link HostKey#versionDigest}) before it enters the key; {@link #toString()} does not show it.
 *
 * @param name the secret's name in the broker
 * @param delivery how the step receives it, as text the host chooses ({@code env:TOKEN}, {@code
 *     file:deploy_key}); a different delivery gives the step a different view, hence a different key
 * @param version the version the broker resolves the name to (rotating the secret changes it)
 */
public record DeclaredSecret(String name, String delivery, String version) {

    public DeclaredSecret {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(version, "version");
        if (name.isEmpty()) {
            throw WorkspaceException.invalidCacheKeyInput("a declared secret has an empty name");
        }
        if (version.isEmpty()) {
            throw WorkspaceException.invalidCacheKeyInput("secret `" + name + "` has an empty version");
        }
    }

    @Override
    public String toString() {
        return "DeclaredSecret[name=" + name + ", delivery=" + delivery + ", version=<redacted>]";
    }
}
