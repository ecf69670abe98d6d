package dev.cairn.contracts.api;

import dev.cairn.runner.api.LeaseEnvelope;
import java.util.List;
import java.util.Objects;

/** The answer to {@code POST /v1/leases/acquire}: the granted leases, possibly none. */
public record LeaseBatch(List<LeaseEnvelope> leases) {

    public LeaseBatch {
        leases = List.copyOf(Objects.requireNonNull(leases, "leases"));
    }
}
