package dev.cairn.contracts.api;

import dev.cairn.contracts.ContractException;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.WirePattern;
import java.util.List;
import java.util.Objects;

/**
 * The bytes of a small output, carried inside a completion ({@link CompletionBatch#inlineOutputs()},
 * {@link CompletionRequest#inlineOutputs()}) instead of being uploaded on their own ({@code POST
 * /v1/artifacts}). The server checks that {@code content} hashes to {@code artifact_id} (else 400
 * {@code digest_mismatch}, nothing recorded) and makes the bytes durable before it records the
 * completions of the request.
 *
 * @param artifactId the content address the completion's outputs name: the lowercase hex SHA-256
 *     of {@code content}
 * @param content the bytes, at most {@value #MAX_BYTES} (base64 on the wire)
 */
public record InlineOutput(@WirePattern(InlineOutput.SHA256) String artifactId, byte[] content) {

    /** What an artifact id is: a SHA-256 in lowercase hex. */
    public static final String SHA256 = "^[0-9a-f]{64}$";

    /** The largest output that may travel inline: 64 KiB. Larger ones are uploaded. */
    public static final int MAX_BYTES = 64 * 1024;

    public InlineOutput {
        Objects.requireNonNull(artifactId, "artifact_id");
        Objects.requireNonNull(content, "content");
        if (!ArtifactIds.isValid(artifactId)) {
            throw ContractException.invalidField("artifact_id", "must be 64 lowercase hex characters (a SHA-256)");
        }
        if (content.length > MAX_BYTES) {
            throw ContractException.invalidField(
                    "content",
                    "holds " + content.length + " bytes; an inline output holds at most " + MAX_BYTES
                            + " (upload larger ones with POST /v1/artifacts)");
        }
    }

    /** Two inline outputs are equal when they name the same artifact (their bytes are then equal too, once checked). */
    @Override
    public boolean equals(Object other) {
        return other instanceof InlineOutput that && artifactId.equals(that.artifactId);
    }

    @Override
    public int hashCode() {
        return artifactId.hashCode();
    }

    @Override
    public String toString() {
        return "InlineOutput[" + artifactId + ", " + content.length + " bytes]";
    }

    /**
     * Checks the limits of one request's inline outputs: at most {@value CompletionBatch#MAX_INLINE_OUTPUTS}
     * of them, {@value CompletionBatch#MAX_INLINE_BYTES} bytes in all.
     *
     * @throws ContractException {@code invalid_field} beyond them
     */
    static void checkTotal(List<InlineOutput> outputs) {
        if (outputs.size() > CompletionBatch.MAX_INLINE_OUTPUTS) {
            throw ContractException.invalidField(
                    "inline_outputs",
                    "must hold at most " + CompletionBatch.MAX_INLINE_OUTPUTS + " outputs, got " + outputs.size());
        }
        long total = 0;
        for (InlineOutput output : outputs) {
            total += output.content().length;
        }
        if (total > CompletionBatch.MAX_INLINE_BYTES) {
            throw ContractException.invalidField(
                    "inline_outputs",
                    "hold " + total + " bytes; one request carries at most " + CompletionBatch.MAX_INLINE_BYTES
                            + " (upload the others with POST /v1/artifacts)");
        }
    }
}
