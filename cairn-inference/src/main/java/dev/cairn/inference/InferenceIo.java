package dev.cairn.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed adapter of the {@code inference} IO namespace, for states: {@code
 * InferenceIo.infer(ctx.io(), new FactKey("summary"), request)}.
 *
 * <p>Live, the call reaches the {@link InferenceTransport} (budget, endpoint) and its {@link
 * InferenceExchange} is recorded under {@code key}; in replay, the recorded exchange is returned and
 * nothing is sent. Either way the exchange's request must be {@code request}: a fact recorded for
 * another question (a changed prompt, cell, {@code maxTokens} or hint) fails with {@code
 * inference_fact_mismatch} instead of answering silently with a stale response.
 */
public final class InferenceIo {

    /** Code of a recorded exchange that answers another request. */
    public static final String CODE_FACT_MISMATCH = "inference_fact_mismatch";

    private InferenceIo() {}

    /** Asks {@code request} through {@code io}, recorded under {@code key}. */
    public static InferenceResponse infer(IoProvider io, FactKey key, InferenceRequest request) {
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(request, "request");
        IoResult result = io.call(new IoCall(InferenceTransport.NAMESPACE, Wire.toTree(request), Optional.of(key)));
        InferenceExchange exchange;
        try {
            exchange = Wire.fromTree(result.response(), InferenceExchange.class);
        } catch (JsonException | IllegalArgumentException e) {
            throw mismatch(key, "the recorded value is not an inference exchange", e);
        }
        if (!exchange.request().equals(request)) {
            throw mismatch(
                    key,
                    "the recorded exchange answers another request (cell, prompt, max tokens or model hint differ)",
                    null);
        }
        return exchange.response();
    }

    private static IoException mismatch(FactKey key, String what, Throwable cause) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("fact_key", key.toString());
        ErrorInfo info = ErrorInfo.of(CODE_FACT_MISMATCH, ErrorCategory.CONTEXT, false, "fact `" + key + "`: " + what)
                .withDetails(details);
        return new IoException(
                new IoError.Other(info),
                "Give each distinct inference request its own fact key; a replay must ask what the run asked.",
                cause);
    }
}
