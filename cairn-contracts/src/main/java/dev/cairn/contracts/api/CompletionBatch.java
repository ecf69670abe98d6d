package dev.cairn.contracts.api;

import dev.cairn.contracts.ContractException;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireSize;
import dev.cairn.runner.api.lease.Completion;
import java.util.List;
import java.util.Objects;

/**
 * Body of {@code POST /v1/leases/complete}: 1 to {@value #MAX_COMPLETIONS} completions, recorded
 * together and answered one by one ({@link CompletionResults}), and the bytes of small outputs they
 * name ({@link InlineOutput}), made durable before any of them is recorded.
 *
 * @param completions the completions
 * @param inlineOutputs at most {@value #MAX_INLINE_OUTPUTS} outputs of at most {@value
 *     InlineOutput#MAX_BYTES} bytes each, {@value #MAX_INLINE_BYTES} in all; absent means none. A
 *     client sends them only with the query parameter {@code inline_outputs=true}, which a server
 *     that cannot take them refuses ({@code unknown_parameter}) instead of ignoring the field.
 */
public record CompletionBatch(
        @WireSize(min = 1, max = MAX_COMPLETIONS) List<Completion> completions,
        @WireDefault @WireSize(max = MAX_INLINE_OUTPUTS) List<InlineOutput> inlineOutputs) {

    /** The most completions one request may carry (as many as one acquire may grant). */
    public static final int MAX_COMPLETIONS = 256;

    /** The most inline outputs one request may carry. */
    public static final int MAX_INLINE_OUTPUTS = 256;

    /** The most bytes of inline outputs one request may carry: 4 MiB. */
    public static final int MAX_INLINE_BYTES = 4 * 1024 * 1024;

    public CompletionBatch {
        completions = List.copyOf(Objects.requireNonNull(completions, "completions"));
        if (completions.isEmpty() || completions.size() > MAX_COMPLETIONS) {
            throw ContractException.invalidField(
                    "completions", "must hold 1.." + MAX_COMPLETIONS + " completions, got " + completions.size());
        }
        inlineOutputs = inlineOutputs == null ? List.of() : List.copyOf(inlineOutputs);
        InlineOutput.checkTotal(inlineOutputs);
    }

    /** A batch without inline outputs. */
    public CompletionBatch(List<Completion> completions) {
        this(completions, List.of());
    }
}
