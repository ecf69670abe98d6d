package dev.cairn.machine.config;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code config::EventProfile}: verbosity of <em>domain</em> events; kernel events are always
 * emitted. Wire form: {@code "Minimal"}, {@code "Normal"}, {@code "Verbose"}, {@code
 * {"Custom":"audit"}}.
 */
@WireEnum
public sealed interface EventProfile {

    /** Only the minimal domain-event surface alongside kernel events. */
    record Minimal() implements EventProfile {}

    /** The default domain-event surface for normal operation. */
    record Normal() implements EventProfile {}

    /** The richest built-in domain-event surface. */
    record Verbose() implements EventProfile {}

    /**
     * An operation-specific profile.
     *
     * @param value the profile name
     */
    @Transparent
    record Custom(String value) implements EventProfile {
        public Custom {
            Objects.requireNonNull(value, "value");
        }
    }
}
