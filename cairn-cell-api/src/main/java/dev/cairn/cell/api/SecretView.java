package dev.cairn.cell.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A resolved secret: its key (a name, safe to show) and its value (never shown).
 *
 * <p>The value is read only by an explicit {@link #reveal()}. {@link #toString()} redacts it, so
 * logging a {@code SecretView} (or anything that prints it) shows {@code <redacted>}; equality is
 * identity, so no comparison leaks it either. It has no wire form: the codec refuses to write or
 * read one (a secret's value reaches a cell through the broker's delivery, never through events,
 * snapshots or manifests). {@link #close()} overwrites the value, as the reference's
 * {@code ZeroizeOnDrop}; afterwards {@code reveal} fails. The value is held as UTF-8 bytes so that it
 * can be overwritten; each {@code reveal} makes a new {@link String} the caller should not keep.
 */
@JsonSerialize(using = SecretView.NoWireForm.class)
@JsonDeserialize(using = SecretView.NoWireFormReader.class)
public final class SecretView implements AutoCloseable {

    private final String key;
    private final byte[] value;
    private volatile boolean destroyed;

    private SecretView(String key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    /** A view of the secret {@code key} with the given value. */
    public static SecretView of(String key, String value) {
        Checks.nonBlank(key, "key");
        if (value == null) {
            throw CellException.secretBroker("secret " + key + " resolved to no value");
        }
        return new SecretView(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret's name, e.g. {@code DATABASE_PASSWORD}; not secret. */
    public String key() {
        return key;
    }

    /** The secret's value. Fails with code {@code secret_broker} once {@link #close() closed}. */
    public String reveal() {
        if (destroyed) {
            throw CellException.secretBroker("the value of secret " + key + " was already wiped; resolve it again");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /** Whether {@link #close()} has wiped the value. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Overwrites the value with zeros. Idempotent. */
    @Override
    public void close() {
        destroyed = true;
        Arrays.fill(value, (byte) 0);
    }

    /** {@code SecretView[key=K, value=<redacted>]}: never the value. */
    @Override
    public String toString() {
        return "SecretView[key=" + key + ", value=<redacted>]";
    }

    /** Refuses to write a secret: {@link SecretView} has no wire form. */
    static final class NoWireForm extends JsonSerializer<SecretView> {
        @Override
        public void serialize(SecretView secret, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.reportMappingProblem(
                    "SecretView %s has no wire form: secret values are never written; reveal() it where it is used",
                    secret.key());
        }
    }

    /** Refuses to read a secret from JSON. */
    static final class NoWireFormReader extends JsonDeserializer<SecretView> {
        @Override
        public SecretView deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return (SecretView) ctxt.reportInputMismatch(
                    SecretView.class, "SecretView has no wire form: secrets come from a SecretBroker, not from JSON");
        }
    }
}
