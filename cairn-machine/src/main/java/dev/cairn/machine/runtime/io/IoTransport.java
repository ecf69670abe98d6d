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
}
