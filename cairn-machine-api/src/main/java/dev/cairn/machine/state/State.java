package dev.cairn.machine.state;

import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.recorder.EventRecorder;

/**
 * Seed {@code state::State}: the behaviour of one planned node. A state does not own its {@code
 * StateId}; the plan assigns it (the same implementation may back several nodes). The seed's {@code
 * DynState} ({@code Arc<dyn State>}) is simply a shared {@code State} reference in Java.
 *
 * <p>Implementations must be safe to call from several threads at once (the seed's {@code Send +
 * Sync}); per-attempt state lives in the context, not in fields. Everything external goes through
 * {@code io}, so replay reproduces the attempt.
 */
public interface State {

    /** Metadata used for planning, replay and policy decisions. */
    StateMeta meta();

    /**
     * Executes the state against the attempt's context, IO provider and event recorder. Blocking; the
     * engine runs it on a virtual thread and interrupts that thread to cancel.
     *
     * @throws StateException the handler's failure; the engine records it in {@code StateFailed} and
     *     retries when it is retryable and the retry policy allows. Any other {@link
     *     dev.cairn.machine.errors.MachineException} escaping the handler (e.g. an {@code
     *     IoException} it did not handle) is recorded the same way with that exception's {@code
     *     info()} ({@link StateException#from})
     */
    StateOutcome handle(DynContext ctx, IoProvider io, EventRecorder rec) throws StateException;
}
