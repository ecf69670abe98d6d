package dev.cairn.runner.node.remote;

import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.node.RunnerNodeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;

/**
 * Sends the completions of a node's tasks in batches, batching naturally: at most one batch is in
 * flight; completions that arrive meanwhile queue and leave together in the next one (up to {@code
 * max} each). There is no timer: a completion that finds nothing in flight leaves at once, so a
 * lone task's completion waits for nothing.
 *
 * <p>{@link #complete} blocks its caller until its own completion was answered, and answers it
 * exactly as a single completion would: it returns when the completion was recorded, throws the
 * {@link LeaseException} of a refusal ({@code stale_lease}, {@code unknown_task}) for that completion
 * only, and throws whatever failed the whole batch (after the transport's retries) to every caller of
 * the batch, which retries as it would a single completion. A caller interrupted while waiting
 * leaves the queue if its completion has not left yet.
 *
 * <p>A completion may carry the bytes of outputs it names ({@link InlineOutput}); a batch carries
 * those of its completions (each once), and is cut short before they would pass {@value
 * CompletionBatch#MAX_INLINE_OUTPUTS} outputs or {@value CompletionBatch#MAX_INLINE_BYTES} bytes.
 *
 * <p>The batch is sent from a virtual thread started when a completion finds none sending, which ends
 * when the queue is empty: nothing to close.
 */
final class CompletionBatcher {

    private final BiFunction<List<Completion>, List<InlineOutput>, List<CompletionResult>> send;
    private final int max;
    private final String route;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean sending;

    /**
     * @param send records a batch, with the inline outputs of its completions, and answers each
     *     completion in order (e.g. {@code POST /v1/leases/complete})
     * @param max the most completions per batch
     * @param route what the calls are, for messages
     */
    CompletionBatcher(
            BiFunction<List<Completion>, List<InlineOutput>, List<CompletionResult>> send, int max, String route) {
        this.send = Objects.requireNonNull(send, "send");
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        this.max = max;
        this.route = Objects.requireNonNull(route, "route");
    }

    private record Pending(
            Completion completion, List<InlineOutput> inline, CompletableFuture<CompletionResult> answer) {

        long inlineBytes() {
            long bytes = 0;
            for (InlineOutput output : inline) {
                bytes += output.content().length;
            }
            return bytes;
        }
    }

    /**
     * Sends {@code completion} with the next batch and waits for its answer.
     *
     * @throws LeaseException {@code stale_lease} or {@code unknown_task} when this completion was
     *     refused; {@code lease_service_unavailable} when the batch could not be sent
     * @throws RunnerNodeException {@code interrupted} when the caller was interrupted while waiting
     */
    void complete(Completion completion) {
        complete(completion, List.of());
    }

    /**
     * Sends {@code completion} and the bytes of outputs it names with the next batch and waits for
     * its answer, as {@link #complete(Completion)}.
     */
    void complete(Completion completion, List<InlineOutput> inline) {
        Pending pending = new Pending(
                Objects.requireNonNull(completion, "completion"), List.copyOf(inline), new CompletableFuture<>());
        boolean start;
        synchronized (queue) {
            queue.add(pending);
            start = !sending;
            sending = true;
        }
        if (start) {
            Thread.ofVirtual().name("cairn-completions").start(this::drain);
        }
        CompletionResult result;
        try {
            result = pending.answer().get();
        } catch (InterruptedException e) {
            synchronized (queue) {
                queue.remove(pending); // not sent yet: it never will be; sent: its answer is dropped
            }
            throw RunnerNodeException.interrupted(route);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        }
        result.refusal().ifPresent(refusal -> {
            throw refusal;
        });
    }

    /** How many completions wait for the next batch (not counting the one in flight). */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Sends batches until the queue is empty. */
    private void drain() {
        try {
            while (true) {
                List<Pending> batch = new ArrayList<>();
                synchronized (queue) {
                    int outputs = 0;
                    long bytes = 0;
                    while (batch.size() < max && !queue.isEmpty()) {
                        Pending next = queue.peek();
                        outputs += next.inline().size();
                        bytes += next.inlineBytes();
                        if (!batch.isEmpty()
                                && (outputs > CompletionBatch.MAX_INLINE_OUTPUTS
                                        || bytes > CompletionBatch.MAX_INLINE_BYTES)) {
                            break;
                        }
                        batch.add(queue.poll());
                    }
                    if (batch.isEmpty()) {
                        sending = false;
                        return;
                    }
                }
                sendBatch(batch);
            }
        } catch (Error e) {
            List<Pending> left;
            synchronized (queue) {
                left = List.copyOf(queue);
                queue.clear();
                sending = false;
            }
            left.forEach(p -> p.answer().completeExceptionally(e));
            throw e;
        }
    }

    private void sendBatch(List<Pending> batch) {
        List<CompletionResult> results;
        try {
            LinkedHashSet<InlineOutput> inline = new LinkedHashSet<>();
            batch.forEach(p -> inline.addAll(p.inline()));
            results = send.apply(batch.stream().map(Pending::completion).toList(), List.copyOf(inline));
            if (results.size() != batch.size()) {
                // the sender checks the answer; this is a bug of the sender, not of the server
                throw new IllegalStateException(
                        route + ": " + results.size() + " results for " + batch.size() + " completions");
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.answer().completeExceptionally(e));
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(results.get(i));
        }
    }
}
