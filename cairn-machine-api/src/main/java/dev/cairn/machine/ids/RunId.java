package dev.cairn.machine.ids;

import dev.cairn.json.wire.Transparent;
import java.util.UUID;

/**
 * Seed {@code ids::RunId}: unique run identifier (may be random). Wire form: the hyphenated,
 * lowercase UUID string, as the {@code uuid} crate writes it.
 *
 * <p>Cairn never calls {@code UUID.randomUUID()} in the kernel: new ids come from the random port
 * of the engine, or from the caller ({@link dev.cairn.machine.engine.StartRun#runId()}).
 */
@Transparent
public record RunId(UUID value) {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "run_id";

    public RunId {
        if (value == null) {
            throw IdValidationException.of(KIND, null, "a UUID");
        }
    }

    /** Parses a UUID string (e.g. from a URL); refused input is {@link IdValidationException}. */
    public static RunId parse(String text) {
        if (text == null || text.length() != 36) {
            throw IdValidationException.of(
                    KIND, text, "a UUID of 36 characters such as 0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
        }
        try {
            return new RunId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw IdValidationException.of(
                    KIND, text, "a UUID of 36 characters such as 0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
        }
    }

    /** The hyphenated lowercase UUID. */
    @Override
    public String toString() {
        return value.toString();
    }
}
