package dev.cairn.contracts.api;

import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireSize;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.util.List;
import java.util.Objects;

/**
 * Body of {@code POST /v1/leases/{taskId}/complete}: how the task of the lease ended (a {@link
 * Completion}), and the bytes of small outputs it names ({@link InlineOutput}), made durable before
 * the completion is recorded.
 *
 * @param lease the lease
 * @param outcome how its task ended
 * @param inlineOutputs as {@link CompletionBatch#inlineOutputs()}; absent means none (the body is
 *     then a plain {@code Completion}). Sent only with the query parameter {@code
 *     inline_outputs=true}.
 */
public record CompletionRequest(
        LeaseRef lease,
        TaskOutcome outcome,
        @WireDefault @WireSize(max = CompletionBatch.MAX_INLINE_OUTPUTS) List<InlineOutput> inlineOutputs) {

    public CompletionRequest {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(outcome, "outcome");
        inlineOutputs = inlineOutputs == null ? List.of() : List.copyOf(inlineOutputs);
        InlineOutput.checkTotal(inlineOutputs);
    }

    /** The completion itself. */
    public Completion completion() {
        return new Completion(lease, outcome);
    }
}
