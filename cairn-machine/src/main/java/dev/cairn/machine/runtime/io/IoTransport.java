package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.io.IoCall;

/**
 * One way to reach the outside world, registered for a namespace group in an {@link
 * IoTransportRegistry} ({@code http}, {@code exec}, {@code nix.exec}, …). {@link LiveIo} routes
 * each {@link IoCall} to the transport of its namespace and records the response as a fact when the
 * call has a fact key; a transport never records anything itself.
 *
 * <p>Implementations are shared by all runs and must be thread-safe. They block (the engine runs
 * states on virtual threads) and fail with {@link IoException}; their error messages must not echo
 * request payloads (they may hold secrets). Cancellation is a thread interrupt: stop as soon as
 * possible, leave the flag set and throw {@link IoException#interrupted()}.
 */
@FunctionalInterface
public interface IoTransport {

    /**
     * Performs {@code call} and returns its canonical-JSON response.
     *
     * @param call the request; {@code call.namespace()} is in this transport's group
     * @param context the attempt making the call
     */
    JsonNode call(IoCall call, IoCallContext context);

    /**
     * Told of a live call just before the engine's durability barrier that precedes it (see {@link
     * LiveIo}): a transport whose own writes go to the store of the run's events may stage them here
     * so that the barrier's append carries them in the same transaction, saving a commit. Staged work
     * is an optimisation only: {@link #call} must still find out whether it happened (the barrier
     * may append nothing, or fail) and do it itself otherwise. Must not block; what it throws is
     * ignored. The default does nothing.
     */
    default void beforeBarrier(IoCall call, IoCallContext context) {}
}
