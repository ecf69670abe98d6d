package dev.cairn.contracts;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/** Where a run's runners execute: {@code "local"} or {@code "remote"} (Zod {@code z.enum(["local", "remote"])}). */
@WireEnum(variants = VariantCase.LOWERCASE)
public enum RunMode {
    /** On the orchestrator's own machine. */
    LOCAL,
    /** On runner services, per region. */
    REMOTE
}
