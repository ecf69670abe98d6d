package dev.cairn.contracts;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/** The outcome of one runner: {@code "pass"}, {@code "fail"} or {@code "error"}. */
@WireEnum(variants = VariantCase.LOWERCASE)
public enum RunnerStatus {
    /** The runner's checks passed. */
    PASS,
    /** The runner ran and its checks failed. */
    FAIL,
    /** The runner could not run to completion. */
    ERROR
}
