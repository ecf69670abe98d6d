package dev.cairn.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What {@code cairn secrets set NAME}, {@code cairn secrets ls} and {@code cairn secrets rm NAME}
 * do, over a {@link LocalSecretStore}.
 *
 * <p>A value is read from standard input, never from the command line (argv is visible to every
 * user in {@code ps} and lands in shell history). One trailing line break is dropped, as {@code
 * echo "$TOKEN" | cairn secrets set NAME} adds one; a value that must end with a line break is
 * given with two.
 */
public final class SecretsAdmin {

    private final LocalSecretStore store;

    public SecretsAdmin(LocalSecretStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The store managed. */
    public LocalSecretStore store() {
        return store;
    }

    /**
     * {@code cairn secrets set NAME}: reads the value from {@code stdin} to its end, drops one
     * trailing line break, and stores it as a new version. The buffers are wiped.
     *
     * @throws SecretsException {@code invalid_secret_name}, {@code secret_value_missing} (empty
     *     input), {@code secret_too_short} (with the reason), {@code secret_too_large}, {@code
     *     secret_not_text}, {@code secret_io}
     */
    public SecretInfo set(String name, InputStream stdin) {
        SecretPolicy.requireName(name);
        Objects.requireNonNull(stdin, "stdin");
        byte[] raw;
        try {
            raw = stdin.readNBytes(SecretPolicy.MAX_VALUE_BYTES + 3);
        } catch (IOException e) {
            throw SecretsException.io("cannot read the value of " + name + " from standard input", e);
        }
        byte[] value = SecretValues.withoutTrailingNewline(raw);
        try {
            if (value.length == 0) {
                throw SecretsException.valueMissing(name);
            }
            if (value.length > SecretPolicy.MAX_VALUE_BYTES) {
                throw SecretsException.tooLarge(name, value.length);
            }
            return store.set(name, value);
        } finally {
            Arrays.fill(value, (byte) 0);
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** {@code cairn secrets ls}: names, versions and times, sorted by name. */
    public List<SecretInfo> list() {
        return store.list();
    }

    /**
     * {@code cairn secrets rm NAME}.
     *
     * @throws SecretsException {@code secret_not_found}
     */
    public SecretInfo remove(String name) {
        return store.remove(name);
    }
}
