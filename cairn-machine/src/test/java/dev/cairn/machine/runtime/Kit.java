package dev.cairn.machine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.ManualClock;
import dev.cairn.testkit.SeededEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test wiring: a manual clock (also the sleeper), seeded entropy, recorded lifecycle moves. */
final class Kit {

    final ManualClock clock = new ManualClock();
    final SeededEntropy entropy = new SeededEntropy(42);
    final List<String> transitions = new CopyOnWriteArrayList<>();

    Engine.Builder engine() {
        return Engine.builder()
                .clock(clock)
                .sleeper(clock)
                .entropy(entropy)
                .transitionListener((runId, stateId, move) ->
                        transitions.add(stateId.map(s -> "attempt ").orElse("run ") + move));
    }

    static List<EventEnvelope> log(Stores stores, RunId runId) {
        return stores.events().readRange(runId, 1, Optional.empty());
    }

    static List<KernelEvent> kernel(Stores stores, RunId runId) {
        List<KernelEvent> out = new ArrayList<>();
        for (EventEnvelope e : log(stores, runId)) {
            if (e.event() instanceof Event.Kernel k) {
                out.add(k.event());
            }
        }
        return out;
    }

    static List<DomainEvent> domain(Stores stores, RunId runId, String name) {
        List<DomainEvent> out = new ArrayList<>();
        for (EventEnvelope e : log(stores, runId)) {
            if (e.event() instanceof Event.Domain d && d.event().name().equals(name)) {
                out.add(d.event());
            }
        }
        return out;
    }

    /** The log as short lines, e.g. {@code Entered a#0}, {@code Completed a}, {@code Failed b:code}. */
    static List<String> describe(Stores stores, RunId runId) {
        return log(stores, runId).stream().map(Kit::describe).toList();
    }

    static String describe(EventEnvelope envelope) {
        return switch (envelope.event()) {
            case Event.Kernel k ->
                switch (k.event()) {
                    case KernelEvent.RunStarted s -> "RunStarted";
                    case KernelEvent.StateEntered e -> "Entered " + e.stateId().local() + "#" + e.attempt();
                    case KernelEvent.StateCompleted c ->
                        "Completed " + c.stateId().local();
                    case KernelEvent.StateFailed f ->
                        "Failed " + f.stateId().local() + ":"
                                + f.error().info().code().value();
                    case KernelEvent.RunCompleted c -> "RunCompleted " + c.status();
                };
            case Event.Domain d -> "Domain " + d.event().name();
        };
    }

    /** The snapshot {@code id} as JSON. */
    static JsonNode snapshot(Stores stores, ArtifactId id) {
        return StrictJson.parse(stores.artifacts().get(id));
    }

    /** Envelopes with the run id and timestamps blanked, for comparing two logs. */
    static List<String> shape(Stores stores, RunId runId) {
        List<String> out = new ArrayList<>();
        for (EventEnvelope e : log(stores, runId)) {
            out.add(e.seq() + " " + dev.cairn.json.wire.Wire.write(e.event()));
        }
        return out;
    }
}
