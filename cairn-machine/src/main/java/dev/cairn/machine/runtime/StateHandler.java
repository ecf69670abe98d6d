package dev.cairn.machine.runtime;

import dev.cairn.machine.errors.StateException;

/**
 * A state's behaviour as a lambda: {@code ctx -> ctx.put("total", 42)}. Used with {@link Plan}'s
 * builder. Returning normally completes the attempt; throwing {@link StateException} (or any Cairn
 * {@code MachineException}) fails it, and it is retried when the error is retryable and the run's
 * retry policy allows.
 */
@FunctionalInterface
public interface StateHandler {

    void handle(StateContext ctx);
}
