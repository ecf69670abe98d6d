package dev.cairn.runner.node;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseService;
import java.util.List;

/**
 * A {@link LeaseService} whose completions can carry the bytes of small outputs ({@link
 * InlineOutput}), so that a task's outputs need no upload of their own: a remote node's ({@code
 * RemoteLeaseService}). A {@link RunnerNode} over one has its tasks' small outputs held ({@link
 * InlineOutputs}) rather than stored, and hands them to {@link #complete(Completion, List)}.
 */
public interface OutputCarrier extends LeaseService {

    /** Whether completions may carry outputs (false once the server turned out not to take them). */
    boolean carriesOutputs();

    /**
     * Records {@code completion}, as {@link #complete(Completion)}, with the bytes of outputs it
     * names: they are durable on the server before the completion is recorded (when the server
     * cannot take them inline, they are uploaded first).
     */
    void complete(Completion completion, List<InlineOutput> outputs);
}
