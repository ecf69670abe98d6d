package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.JsonException;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The replay {@link IoProvider} of one state attempt: answers only from recorded facts and never
 * performs live IO, whatever the state's side-effect classification.
 *
 * <ul>
 *   <li>{@link #call} without a fact key fails with {@code MissingFactKey} ({@code
 *       missing_fact_key}); with an unknown key, with {@code MissingFact} ({@code missing_fact}),
 *       retryable only when the run's {@code replay_missing_fact_retryable} is set.
 *   <li>{@link #recordValue} returns the recorded payload when the value is the one recorded, and
 *       fails with {@code replay_fact_mismatch} when the state computed something else.
 *   <li>{@link #nowMillis}, {@link #randomBytes}: the values recorded under the derived keys of the
 *       reproduced attempt ({@link AttemptFactKeys}).
 * </ul>
 */
public final class ReplayIo implements IoProvider {

    private final FactLedger facts;
    private final AttemptFactKeys keys;
    private final boolean missingFactRetryable;

    /**
     * @param facts the facts to replay from (the original run's)
     * @param keys the derived keys of the reproduced attempt
     * @param missingFactRetryable the run's {@code replay_missing_fact_retryable}
     */
    public ReplayIo(FactLedger facts, AttemptFactKeys keys, boolean missingFactRetryable) {
        this.facts = Objects.requireNonNull(facts, "facts");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.missingFactRetryable = missingFactRetryable;
    }

    @Override
    public IoResult call(IoCall call) {
        Objects.requireNonNull(call, "call");
        checkInterrupted();
        FactKey key = call.factKey().orElseThrow(() -> IoException.missingFactKey(call.namespace()));
        ArtifactId id = require(key);
        return new IoResult(facts.payload(id), Optional.of(id));
    }

    @Override
    public ArtifactId recordValue(FactKey key, JsonNode value) {
        Objects.requireNonNull(value, "value");
        checkInterrupted();
        ArtifactId recorded = require(key);
        String computed;
        try {
            computed = ArtifactIds.ofJson(value);
        } catch (JsonException e) {
            computed = "";
        }
        if (!recorded.value().equals(computed)) {
            ErrorInfo info = ErrorInfo.of(
                            IoCodes.REPLAY_FACT_MISMATCH,
                            ErrorCategory.UNKNOWN,
                            false,
                            "replay computed another value for fact `" + key + "` than the original run recorded")
                    .withDetails(dev.cairn.json.wire.Wire.mapper()
                            .createObjectNode()
                            .put("key", key.value())
                            .put("recorded_payload_id", recorded.value()));
            throw new IoException(
                    new IoError.Other(info),
                    "The state is not deterministic: it derives this value from something that is not a recorded"
                            + " fact.",
                    null);
        }
        return recorded;
    }

    @Override
    public Optional<ArtifactId> getRecordedFact(FactKey key) {
        return facts.lookup(key);
    }

    @Override
    public long nowMillis() {
        checkInterrupted();
        return readMillis(facts, require(keys.next(AttemptFactKeys.NOW_MILLIS)));
    }

    @Override
    public byte[] randomBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        checkInterrupted();
        return readBytes(facts, require(keys.next(AttemptFactKeys.RANDOM_BYTES)), n);
    }

    private ArtifactId require(FactKey key) {
        return facts.lookup(key).orElseThrow(() -> IoException.missingFact(key, missingFactRetryable));
    }

    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw IoException.interrupted();
        }
    }

    static long readMillis(FactLedger facts, ArtifactId id) {
        JsonNode node = facts.payload(id);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw StoreFactLedger.payloadShape(id, "a non-negative integer (now_millis)");
        }
        return node.longValue();
    }

    static byte[] readBytes(FactLedger facts, ArtifactId id, int n) {
        JsonNode node = facts.payload(id);
        byte[] bytes;
        try {
            bytes = node.isTextual() ? Base64.getDecoder().decode(node.textValue()) : null;
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != n) {
            throw StoreFactLedger.payloadShape(id, "base64 of " + n + " random bytes");
        }
        return bytes;
    }
}
