package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.errors.ContextError;
import dev.cairn.machine.errors.ContextException;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.recorder.EventRecorder;
import java.util.Optional;

/**
 * Everything a state handler works with during one attempt: the context (this object is the {@link
 * DynContext} the engine passes to {@code State.handle}), the attempt's IO provider and event
 * recorder, child runs, and the attempt itself. Lambda handlers ({@link StateHandler}) receive it
 * directly; {@code State} implementations get it with {@link #from(DynContext)}.
 *
 * <p>The context is the attempt's own copy: writes become visible to other states only once the
 * attempt completes (and, under fan-out/join, once its wave joins). Belongs to one attempt; not
 * thread-safe.
 */
public interface StateContext extends DynContext {

    /** The attempt being run (its number, state, idempotency key, IO mode). */
    AttemptInfo attempt();

    /** The attempt's IO provider: live, or replaying recorded facts. */
    IoProvider io();

    /** The attempt's domain-event recorder. */
    EventRecorder events();

    /** Child runs started from this attempt. */
    ChildRuns children();

    /** Whether the run has been cancelled; long loops should check it (IO calls fail fast anyway). */
    boolean cancelled();

    /** Reads the raw value under {@code key}. */
    default Optional<JsonNode> read(String key) {
        return read(new ContextKey(key));
    }

    /** Reads the value under {@code key} as {@code type}; empty when absent or JSON {@code null}. */
    default <T> Optional<T> readTyped(String key, Class<T> type) {
        return readTyped(new ContextKey(key), type);
    }

    /**
     * The value under {@code key} as {@code type}.
     *
     * @throws ContextException {@code missing_context_key} when absent
     */
    default <T> T require(String key, Class<T> type) {
        ContextKey k = new ContextKey(key);
        return readTyped(k, type).orElseThrow(() -> ContextException.missingKey(k));
    }

    /** Writes the wire form of {@code value} under {@code key}. */
    default void put(String key, Object value) {
        writeTyped(new ContextKey(key), value);
    }

    /** Deletes {@code key}. */
    default void delete(String key) {
        delete(new ContextKey(key));
    }

    /** Emits a domain event whose payload is the wire form of {@code payload}. */
    default void emit(String name, Object payload) {
        events().emit(DomainEvent.of(name, Wire.toTree(payload)));
    }

    /**
     * The engine's context behind a {@code DynContext} received in {@code State.handle}.
     *
     * @throws ContextException {@code not_an_engine_context} when {@code ctx} was not created by the
     *     engine (e.g. a state called directly from a test)
     */
    static StateContext from(DynContext ctx) {
        if (ctx instanceof StateContext state) {
            return state;
        }
        throw new ContextException(
                new ContextError.Other(ErrorInfo.of(
                        "not_an_engine_context",
                        ErrorCategory.CONTEXT,
                        false,
                        "this context was not created by the Cairn engine, so it has no attempt, IO or"
                                + " child runs")),
                "Run the state through the engine (or use the arguments of State.handle directly).",
                null);
    }
}
