package dev.cairn.secrets;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@code cairn secrets ls} shows of a stored secret: never its value.
 *
 * @param name the secret's name
 * @param version its version: 1 for the first value, one more for each {@code set}
 * @param createdAt when this version was set
 */
public record SecretInfo(String name, long version, Instant createdAt) {
    public SecretInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "created_at");
    }
}
