package dev.cairn.sinks.support;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.testkit.contract.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/** Event logs shaped like real runs: started, states entered, tasks leased, states completed, completed. */
public final class Runs {

    /** 2026-11-23T06:00:00Z. */
    public static final long T0 = 1_795_413_600_000L;

    private Runs() {}

    public static RunId runId(Random random) {
        return new RunId(new UUID(random.nextLong(), random.nextLong()));
    }

    /** A whole run of {@code states} states: 2 + 3 × states events, the last one RunCompleted. */
    public static List<EventEnvelope> run(RunId run, int states) {
        List<EventEnvelope> out = new ArrayList<>();
        out.addAll(start(run));
        for (int s = 0; s < states; s++) {
            out.addAll(state(run, out.size() + 1, s));
        }
        out.add(end(run, out.size() + 1));
        return out;
    }

    /** RunStarted at seq 1. */
    public static List<EventEnvelope> start(RunId run) {
        return List.of(envelope(
                run,
                1,
                new Event.Kernel(new KernelEvent.RunStarted(
                        OpId.of("build"), SampleEvents.artifactId("manifest"), SampleEvents.artifactId("initial")))));
    }

    /** State {@code index}'s three events from {@code seq}: entered, task leased, completed. */
    public static List<EventEnvelope> state(RunId run, long seq, int index) {
        StateId state = StateId.of("build.step_" + index + ".run");
        ObjectNode lease = JsonNodeFactory.instance.objectNode();
        lease.put("task_id", "task-" + index);
        lease.put("state_id", state.value());
        lease.put("runner", "node-1");
        lease.put("lease_epoch", 1);
        return List.of(
                envelope(
                        run,
                        seq,
                        new Event.Kernel(
                                new KernelEvent.StateEntered(state, 0, SampleEvents.artifactId("base " + index)))),
                envelope(run, seq + 1, new Event.Domain(DomainEvent.of(CairnEventTypes.Names.TASK_LEASED, lease))),
                envelope(
                        run,
                        seq + 2,
                        new Event.Kernel(
                                new KernelEvent.StateCompleted(state, SampleEvents.artifactId("after " + index)))));
    }

    /** RunCompleted at {@code seq}. */
    public static EventEnvelope end(RunId run, long seq) {
        return envelope(
                run,
                seq,
                new Event.Kernel(new KernelEvent.RunCompleted(
                        RunStatus.COMPLETED, Optional.of(SampleEvents.artifactId("final")))));
    }

    public static EventEnvelope envelope(RunId run, long seq, Event event) {
        return new EventEnvelope(run, seq, Optional.of(T0 + seq * 1000), event);
    }

    /** An artifact id for tests. */
    public static ArtifactId artifact(String text) {
        return SampleEvents.artifactId(text);
    }
}
