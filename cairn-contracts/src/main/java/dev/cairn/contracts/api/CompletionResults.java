package dev.cairn.contracts.api;

import dev.cairn.runner.api.lease.CompletionResult;
import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code POST /v1/leases/complete}: one result per completion of the batch, in the
 * same order.
 */
public record CompletionResults(List<CompletionResult> results) {

    public CompletionResults {
        results = List.copyOf(Objects.requireNonNull(results, "results"));
    }
}
