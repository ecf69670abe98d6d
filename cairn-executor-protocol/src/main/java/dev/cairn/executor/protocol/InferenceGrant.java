package dev.cairn.executor.protocol;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireRange;
import java.util.Optional;

/**
 * Cairn addition: a step's request to reach the node's inference broker (seed 004's {@code
 * InferenceBroker}) from inside its cell. The executor starts a loopback chat-completions endpoint
 * for the cell, grants the cell that endpoint only (on top of the step's own network grant), and
 * sets {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} (a token for that endpoint, never the
 * upstream key). Every request is attributed to the cell and charged to the run's token budget.
 *
 * <pre>{@code
 * {"max_tokens": 512}
 * }</pre>
 *
 * @param maxTokens the most one request of the step may ask for ({@code max_tokens} of the chat
 *     completion); also what a request that names no limit reserves. Absent: the endpoint's default
 *     (1024) and no cap below the run's budget
 */
@DenyUnknownFields
public record InferenceGrant(@WireDefault @WireRange(min = 1) Optional<Long> maxTokens) {

    /** A grant without a per-request cap. */
    public static final InferenceGrant DEFAULT = new InferenceGrant(Optional.empty());

    public InferenceGrant {
        maxTokens = maxTokens == null ? Optional.empty() : maxTokens;
        maxTokens.ifPresent(n -> {
            if (n < 1) {
                throw ExecutorProtocolException.invalidTask(
                        "inference.max_tokens", "must be at least 1, got " + n, "Give a positive token count.");
            }
        });
    }

    /** A grant whose requests ask for at most {@code maxTokens} each. */
    public static InferenceGrant maxTokens(long maxTokens) {
        return new InferenceGrant(Optional.of(maxTokens));
    }
}
