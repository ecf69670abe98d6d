package dev.cairn.machine.meta;

import dev.cairn.json.wire.Transparent;
import dev.cairn.machine.ids.IdValidationException;

/**
 * Seed {@code meta::Tag}: classification label used for filtering and policy decisions (e.g. {@code
 * RunConfig.skip_tags}). Recommended: lowercase, with separators for namespacing if needed; see
 * {@link StandardTags}. Wire form: the bare string.
 *
 * <p>Free-form in the seed; Cairn only refuses {@code null} ({@link IdValidationException}, kind
 * {@code tag}).
 */
@Transparent
public record Tag(String value) implements Comparable<Tag> {

    /** The kind named by {@link IdValidationException#kind()}. */
    public static final String KIND = "tag";

    public Tag {
        if (value == null) {
            throw IdValidationException.of(KIND, null, "a string");
        }
    }

    /** The tag {@code value}; only {@code null} is refused. */
    public static Tag of(String value) {
        return new Tag(value);
    }

    @Override
    public int compareTo(Tag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
