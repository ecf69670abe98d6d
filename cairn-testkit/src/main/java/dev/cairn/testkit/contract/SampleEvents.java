package dev.cairn.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Envelopes for store tests: every kernel event variant and domain events with nested payloads,
 * numbered as an append expects. Deterministic for a given {@link Random}.
 */
public final class SampleEvents {

    private SampleEvents() {}

    /** A run id drawn from {@code random} (tests never call {@code UUID.randomUUID()}). */
    public static RunId runId(Random random) {
        return new RunId(new UUID(random.nextLong(), random.nextLong()));
    }

    /** The artifact id of {@code text}'s UTF-8 bytes. */
    public static ArtifactId artifactId(String text) {
        return new ArtifactId(ArtifactIds.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Envelopes {@code fromSeq}, {@code fromSeq + 1}, … of {@code runId}, cycling through every kernel
     * event variant and domain events; every third has a timestamp.
     */
    public static List<EventEnvelope> envelopes(RunId runId, long fromSeq, int count) {
        List<EventEnvelope> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = fromSeq + i;
            Optional<Long> ts = seq % 3 == 0 ? Optional.of(1_767_225_600_000L + seq) : Optional.empty();
            out.add(new EventEnvelope(runId, seq, ts, event(seq)));
        }
        return out;
    }

    /** The event {@link #envelopes} puts at {@code seq}. */
    public static Event event(long seq) {
        StateId state = StateId.of("sample.op.state_" + (seq / 7));
        ArtifactId snapshot = artifactId("snapshot " + seq);
        return switch ((int) (seq % 7)) {
            case 0 ->
                new Event.Kernel(new KernelEvent.RunStarted(
                        OpId.of("sample_op"), artifactId("manifest " + seq), artifactId("initial " + seq)));
            case 1 -> new Event.Kernel(new KernelEvent.StateEntered(state, (int) (seq % 4), snapshot));
            case 2 -> new Event.Kernel(new KernelEvent.StateCompleted(state, snapshot));
            case 3 ->
                new Event.Kernel(new KernelEvent.StateFailed(
                        state,
                        new StateError(
                                Optional.of(state),
                                ErrorInfo.of("sample_failure", ErrorCategory.UNKNOWN, seq % 2 == 0, "failed at " + seq)
                                        .withDetails(details(seq))),
                        seq % 2 == 0 ? Optional.of(snapshot) : Optional.empty()));
            case 4 ->
                new Event.Kernel(new KernelEvent.RunCompleted(
                        RunStatus.values()[(int) (seq % 3)], seq % 2 == 0 ? Optional.of(snapshot) : Optional.empty()));
            case 5 -> new Event.Domain(DomainEvent.of("sample_progress", details(seq)));
            default -> new Event.Domain(new DomainEvent("sample_blob", details(seq), Optional.of(snapshot)));
        };
    }

    /** A domain event whose payload holds a string of {@code chars} characters. */
    public static EventEnvelope large(RunId runId, long seq, int chars) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        StringBuilder text = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            text.append((char) ('a' + i % 26));
        }
        payload.put("text", text.toString());
        return new EventEnvelope(
                runId, seq, Optional.empty(), new Event.Domain(DomainEvent.of("sample_large", payload)));
    }

    private static JsonNode details(long seq) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", seq);
        node.put("text", "ünïcödé \"quoted\" \\ " + seq);
        node.put("ratio", seq + 0.25);
        node.put("flag", seq % 2 == 0);
        node.putNull("nothing");
        node.putArray("list").add(seq).add("two").addObject().put("nested", true);
        return node;
    }
}
