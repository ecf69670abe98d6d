package dev.cairn.contracts.api;

import dev.cairn.contracts.ContractException;
import dev.cairn.json.wire.WireSize;
import dev.cairn.runner.api.lease.Completion;
import java.util.List;
import java.util.Objects;

/**
 * Body of {@code POST /v1/leases/complete}: 1 to {@value #MAX_COMPLETIONS} completions, recorded
 * together and answered one by one ({@link CompletionResults}).
 */
public record CompletionBatch(@WireSize(min = 1, max = MAX_COMPLETIONS) List<Completion> completions) {

    /** The most completions one request may carry (as many as one acquire may grant). */
    public static final int MAX_COMPLETIONS = 256;

    public CompletionBatch {
        completions = List.copyOf(Objects.requireNonNull(completions, "completions"));
        if (completions.isEmpty() || completions.size() > MAX_COMPLETIONS) {
            throw ContractException.invalidField(
                    "completions", "must hold 1.." + MAX_COMPLETIONS + " completions, got " + completions.size());
        }
    }
}
