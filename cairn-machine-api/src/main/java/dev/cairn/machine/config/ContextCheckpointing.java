package dev.cairn.machine.config;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code config::ContextCheckpointing}: when the engine persists run-level context snapshots.
 * The default, {@link AfterEveryState}, keeps resume simple (no replay needed on resume). Wire form:
 * {@code "AfterEveryState"} or {@code {"Custom":"every_3"}}.
 */
@WireEnum
public sealed interface ContextCheckpointing {

    /** A fresh context snapshot after every state transition. */
    record AfterEveryState() implements ContextCheckpointing {}

    /**
     * Reserved for future periodic or tag-based policies.
     *
     * @param value the policy name
     */
    @Transparent
    record Custom(String value) implements ContextCheckpointing {
        public Custom {
            Objects.requireNonNull(value, "value");
        }
    }
}
