package dev.cairn.machine.runtime;

import dev.cairn.machine.context.DynContext;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.meta.StateMeta;
import dev.cairn.machine.recorder.EventRecorder;
import dev.cairn.machine.state.SnapshotPolicy;
import dev.cairn.machine.state.State;
import dev.cairn.machine.state.StateOutcome;
import java.util.Objects;

/** A {@link State} made of metadata and a {@link StateHandler} lambda. */
final class HandlerState implements State {

    private final StateMeta meta;
    private final StateHandler handler;

    HandlerState(StateMeta meta, StateHandler handler) {
        this.meta = Objects.requireNonNull(meta, "meta");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public StateMeta meta() {
        return meta;
    }

    @Override
    public StateOutcome handle(DynContext ctx, IoProvider io, EventRecorder rec) {
        handler.handle(StateContext.from(ctx));
        return new StateOutcome(SnapshotPolicy.ON_SUCCESS);
    }

    HandlerState withMeta(StateMeta meta) {
        return new HandlerState(meta, handler);
    }
}
