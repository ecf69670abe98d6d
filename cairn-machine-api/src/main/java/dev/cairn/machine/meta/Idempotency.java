package dev.cairn.machine.meta;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import java.util.Objects;

/**
 * Seed {@code meta::Idempotency}: optional idempotency declaration of a side-effecting state. Wire
 * form: {@code "None"} or {@code {"Key":"tx:0xabc"}}.
 */
@WireEnum
public sealed interface Idempotency {

    /** The state does not declare an idempotency key. */
    record None() implements Idempotency {}

    /**
     * Stable key used to deduplicate externally visible effects (e.g. a transaction intent hash).
     *
     * @param value the key
     */
    @Transparent
    record Key(String value) implements Idempotency {
        public Key {
            Objects.requireNonNull(value, "value");
        }
    }
}
