package dev.cairn.orchestrator.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * A declared pipeline param: {@code params: {NAME: {type, default, description, required}}}.
 *
 * <p>A param is required exactly when it has no default; the spec's {@code required} key may say so
 * explicitly but cannot contradict it.
 *
 * @param name the param's name ({@code ^[a-z][a-z0-9_]{0,62}$}), used as {@code ${{ params.NAME }}}
 * @param type its type
 * @param defaultValue the value used when none is given; of {@code type}
 * @param description what the param means, for people
 */
public record ParamSpec(String name, ParamType type, Optional<ParamValue> defaultValue, Optional<String> description) {

    public ParamSpec {
        Names.requireId("param name", name);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "default");
        Objects.requireNonNull(description, "description");
        defaultValue.ifPresent(value -> {
            if (value.type() != type) {
                throw SpecException.unplaced(
                        "/params/" + name + "/default",
                        SpecCode.INVALID_VALUE,
                        "the default of " + type.word() + " param `" + name + "` is a "
                                + value.type().word());
            }
        });
    }

    /** A param of {@code type} that must be given. */
    public static ParamSpec required(String name, ParamType type) {
        return new ParamSpec(name, type, Optional.empty(), Optional.empty());
    }

    /** A param with a default (whose type is the param's). */
    public static ParamSpec withDefault(String name, ParamValue defaultValue) {
        return new ParamSpec(name, defaultValue.type(), Optional.of(defaultValue), Optional.empty());
    }

    /** Whether a value must be given: exactly when there is no default. */
    public boolean required() {
        return defaultValue.isEmpty();
    }
}
