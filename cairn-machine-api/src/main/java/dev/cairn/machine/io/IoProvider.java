package dev.cairn.machine.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import java.util.Optional;

/**
 * Seed {@code io::IoProvider}: every way a state reaches the outside world. The engine gives each
 * state attempt its own provider, live ({@code LiveIo}: performs the call and records facts) or
 * replay ({@code ReplayIo}: answers from recorded facts only).
 *
 * <p>Methods block (run states on virtual threads) and fail with {@link IoException}. A provider
 * belongs to one attempt and is not thread-safe. Cancellation is cooperative: when the calling
 * thread is interrupted, an implementation stops waiting as soon as it can, leaves the interrupt
 * flag set, and throws {@link IoException#interrupted()}.
 */
public interface IoProvider {

    /**
     * Executes an IO request. Live: performs it and, when {@code call.fact_key} is present, records
     * the response as a fact. Replay: returns the recorded response, or fails with {@code
     * MissingFactKey} / {@code MissingFact}.
     */
    IoResult call(IoCall call);

    /**
     * Persists a deterministic structured value directly as the fact payload of {@code key}
     * (replay: returns the payload recorded under {@code key}).
     *
     * @return the payload artifact
     */
    ArtifactId recordValue(FactKey key, JsonNode value);

    /** The payload artifact recorded under {@code key}, if any. */
    Optional<ArtifactId> getRecordedFact(FactKey key);

    /**
     * Current time in milliseconds since the Unix epoch. Implementations MUST record it as a fact
     * (replay returns the recorded value), so deterministic logic may depend on it.
     */
    long nowMillis();

    /**
     * {@code n} random bytes ({@code n >= 0}). Implementations MUST record them as a fact (replay
     * returns the recorded bytes), so reproducible paths may depend on them.
     */
    byte[] randomBytes(int n);
}
