package dev.cairn.machine.recorder;

import dev.cairn.machine.errors.RunException;
import dev.cairn.machine.events.DomainEvent;
import java.util.List;

/**
 * Seed {@code recorder::EventRecorder}: how a state handler emits domain events.
 *
 * <p>Engine contract: domain events belong to the current state attempt (between its {@code
 * StateEntered} and its terminal event). An attempt may span several appends; each call is one
 * atomic append. The engine checks events for secrets and may refuse them. Blocking; one recorder
 * per attempt, not thread-safe. Failures are {@link RunException}.
 */
public interface EventRecorder {

    /** Emits one domain event. */
    void emit(DomainEvent event);

    /** Emits several domain events, in order, in one atomic append. */
    void emitMany(List<DomainEvent> events);
}
