package dev.cairn.contracts.api;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/** How a server is: {@code "ok"} (a server that cannot serve answers 503 and no body of this type). */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum HealthStatus {
    OK
}
