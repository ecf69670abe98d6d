package dev.cairn.machine.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.internal.JsonValues;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code io::IoCall}: an opaque IO request; collectors define typed adapters on top.
 *
 * <p>Fact-key contract: in live mode callers SHOULD give a {@code fact_key} to every replayable
 * call (the response is then recorded under it); in replay mode deterministic IO MUST give one,
 * else the provider fails with {@code IoError.MissingFactKey}.
 *
 * @param namespace transport namespace, e.g. {@code http}, {@code jsonrpc}, {@code exec}
 * @param request canonical JSON request payload; copied on construction
 * @param factKey key under which the response is recorded and replayed
 */
public record IoCall(String namespace, JsonNode request, Optional<FactKey> factKey) {

    public IoCall {
        Objects.requireNonNull(namespace, "namespace");
        request = JsonValues.copy(request, "request");
        Objects.requireNonNull(factKey, "fact_key");
    }
}
