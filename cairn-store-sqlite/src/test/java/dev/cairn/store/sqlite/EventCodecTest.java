package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.testkit.contract.SampleEvents;
import dev.cairn.testkit.contract.Seeds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast decoding path agrees with {@link Wire} on every input, and gives way whenever unsure. */
class EventCodecTest {

    private static final RunId RUN = new RunId(new java.util.UUID(1, 2));
    private static final String ID = "ab".repeat(32);

    @Test
    void theFastPathReadsWhatWireReads() {
        long seed = Seeds.seed("EventCodecTest.theFastPathReadsWhatWireReads");
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            Event event = randomKernel(random);
            byte[] json = Wire.write(event).getBytes(StandardCharsets.UTF_8);

            Event fast = EventCodec.kernelFastPath(json);

            assertThat(fast).as("fast path of %s", event).isEqualTo(event).isEqualTo(Wire.read(json, Event.class));
        }
    }

    @Test
    void everySampleEventRoundTrips() {
        for (long seq = 1; seq <= 14; seq++) {
            Event event = SampleEvents.event(seq);
            byte[] json = EventCodec.encode(event).getBytes(StandardCharsets.UTF_8);

            assertThat(EventCodec.decode(json, RUN, seq)).isEqualTo(event);
            boolean fast = event instanceof Event.Kernel k && !(k.event() instanceof KernelEvent.StateFailed);
            assertThat(EventCodec.kernelFastPath(json) != null)
                    .as("fast path for %s", event)
                    .isEqualTo(fast);
        }
    }

    @Test
    void anAbsentOptionalIsEmptyAsWireReadsIt() {
        byte[] json = "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Failed\"}}}".getBytes(StandardCharsets.UTF_8);

        assertThat(EventCodec.kernelFastPath(json))
                .isEqualTo(new Event.Kernel(new KernelEvent.RunCompleted(RunStatus.FAILED, Optional.empty())))
                .isEqualTo(Wire.read(json, Event.class));
    }

    @Test
    void anythingUnusualGoesThroughWire() {
        String base = "\"base_snapshot_id\":\"" + ID + "\"";
        List<String> unusual = List.of(
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":0," + base + ",\"extra\":1}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"state_id\":\"a.c\",\"attempt\":0," + base
                        + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\"," + base + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":\"0\"," + base + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":-1," + base + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":1.0," + base + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"A B\",\"attempt\":0," + base + "}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":0,\"base_snapshot_id\":\"short\"}}}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":0," + base + "}},\"x\":1}",
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"a.b\",\"attempt\":0," + base + "}}} []",
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Done\",\"final_snapshot_id\":null}}}",
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Completed\",\"final_snapshot_id\":7}}}",
                "{\"Kernel\":{\"Unknown\":{}}}",
                "{\"Kernel\":\"RunStarted\"}",
                "[]");
        for (String json : unusual) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

            assertThat(EventCodec.kernelFastPath(bytes))
                    .as("fast path of %s", json)
                    .isNull();

            Object viaWire;
            try {
                viaWire = Wire.read(bytes, Event.class);
            } catch (RuntimeException e) {
                viaWire = e.getClass();
            }
            Throwable decodeFailure = catchThrowable(() -> EventCodec.decode(bytes, RUN, 5));
            if (viaWire instanceof Event event) {
                assertThat(EventCodec.decode(bytes, RUN, 5))
                        .as("decode of %s", json)
                        .isEqualTo(event);
            } else {
                assertThat(decodeFailure).as("decode of %s", json).isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("event_corrupt");
                    assertThat(e.getMessage()).contains("event 5 of run " + RUN);
                });
            }
        }
    }

    @Test
    void theEncoderWritesWhatWireWrites() {
        long seed = Seeds.seed("EventCodecTest.theEncoderWritesWhatWireWrites");
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            Event event = randomKernel(random);
            assertThat(EventCodec.encode(event)).as("encoding of %s", event).isEqualTo(Wire.write(event));
        }
        for (long seq = 1; seq <= 14; seq++) {
            Event event = SampleEvents.event(seq);
            assertThat(EventCodec.encode(event)).as("encoding of %s", event).isEqualTo(Wire.write(event));
        }
    }

    @Test
    void domainEventsAreWrittenAsWireWritesThem() {
        long seed = Seeds.seed("EventCodecTest.domainEventsAreWrittenAsWireWritesThem");
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            DomainEvent domain = new DomainEvent(
                    randomText(random),
                    randomJson(random, 0),
                    random.nextInt(3) == 0
                            ? Optional.of(SampleEvents.artifactId("p" + random.nextLong()))
                            : Optional.empty());
            Event event = new Event.Domain(domain);
            String written = EventCodec.encode(event);
            assertThat(written).as("encoding of %s", event).isEqualTo(Wire.write(event));
            assertThat(EventCodec.decode(bytes(written), RUN, 1)).isEqualTo(event);
        }
    }

    /** Any JSON value, with the number forms, escapes and characters a payload may hold. */
    private static JsonNode randomJson(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = random.nextInt(depth > 3 ? 9 : 11);
        return switch (kind) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextInt());
            case 3 -> f.numberNode(random.nextLong());
            case 4 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 5 -> f.numberNode(new BigInteger(70, random));
            case 6 -> f.numberNode(new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(10)));
            case 7, 8 -> f.textNode(randomText(random));
            case 9 -> {
                ArrayNode array = f.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = f.objectNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.set(randomText(random), randomJson(random, depth + 1));
                }
                yield object;
            }
        };
    }

    private static String randomText(Random random) {
        String alphabet = "ab_Z09 \"/\\\n\t\u0001\u001f\u007féü€\u2028😀<>&'";
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int at = random.nextInt(alphabet.length());
            if (Character.isSurrogate(alphabet.charAt(at))) {
                out.append("😀");
            } else {
                out.append(alphabet.charAt(at));
            }
        }
        return out.toString();
    }

    @Test
    void theExactReaderReadsWhatWireWritesAndRemembersNoWrongId() {
        long seed = Seeds.seed("EventCodecTest.theExactReaderReadsWhatWireWrites");
        Random random = new Random(seed);
        KernelJson.Reader reader = new KernelJson.Reader();
        List<Event> recent = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // Often an event close to a recent one: the same ids again, or one of them changed.
            Event event = !recent.isEmpty() && random.nextInt(3) > 0
                    ? mutate(recent.get(random.nextInt(recent.size())), random)
                    : randomKernel(random);
            recent.add(event);
            if (recent.size() > 4) {
                recent.removeFirst();
            }
            byte[] json = Wire.write(event).getBytes(StandardCharsets.UTF_8);

            assertThat(reader.read(json)).as("exact read of %s", event).isEqualTo(event);
            assertThat(new EventCodec.Decoder().decode(json, RUN, 1)).isEqualTo(event);
        }
        for (long seq = 1; seq <= 14; seq++) {
            Event event = SampleEvents.event(seq);
            byte[] json = Wire.write(event).getBytes(StandardCharsets.UTF_8);
            boolean exact = event instanceof Event.Kernel k && !(k.event() instanceof KernelEvent.StateFailed);
            assertThat(reader.read(json) != null).as("exact read of %s", event).isEqualTo(exact);
        }
    }

    @Test
    void theExactReaderGivesWayOnAnyOtherLayout() {
        String base = "\"base_snapshot_id\":\"" + ID + "\"";
        String entered = "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"m.op.s\",\"attempt\":7," + base + "}}}";
        KernelJson.Reader reader = new KernelJson.Reader();
        assertThat(reader.read(bytes(entered)))
                .isEqualTo(new Event.Kernel(new KernelEvent.StateEntered(StateId.of("m.op.s"), 7, new ArtifactId(ID))));
        List<String> others = List.of(
                entered.replace("{\"state_id\"", "{ \"state_id\""),
                entered.replace("\"attempt\":7," + base, base + ",\"attempt\":7"),
                entered.replace(":7,", ":07,"),
                entered.replace(":7,", ":-7,"),
                entered.replace(":7,", ":2147483648,"),
                entered.replace(":7,", ":7.0,"),
                entered.replace("m.op.s", "m.op.\\u0073"),
                entered.replace("m.op.s", "m.op.S"),
                entered.replace(ID, ID.toUpperCase()),
                entered.replace(ID, ID.substring(2)),
                entered + " ",
                entered.substring(0, entered.length() - 1),
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Completed\"}}}",
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Done\",\"final_snapshot_id\":null}}}",
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"Failed\",\"final_snapshot_id\":nul}}}",
                "{\"Domain\":{\"name\":\"x\",\"payload\":{}}}",
                "");
        for (String json : others) {
            assertThat(reader.read(bytes(json))).as("exact read of %s", json).isNull();
            Object viaWire;
            try {
                viaWire = Wire.read(bytes(json), Event.class);
            } catch (RuntimeException e) {
                viaWire = null;
            }
            if (viaWire != null) {
                assertThat(new EventCodec.Decoder().decode(bytes(json), RUN, 3))
                        .as(json)
                        .isEqualTo(viaWire);
            } else {
                assertThat(catchThrowable(() -> new EventCodec.Decoder().decode(bytes(json), RUN, 3)))
                        .as(json)
                        .isInstanceOf(StorageException.class);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code event} with one of its ids or values changed, or unchanged. */
    private static Event mutate(Event event, Random random) {
        if (!(event instanceof Event.Kernel(KernelEvent kernel)) || random.nextInt(4) == 0) {
            return event;
        }
        ArtifactId other = SampleEvents.artifactId("m" + random.nextLong());
        StateId otherState = StateId.of("m.op.state_" + random.nextInt(1000));
        KernelEvent changed =
                switch (kernel) {
                    case KernelEvent.StateEntered e ->
                        random.nextBoolean()
                                ? new KernelEvent.StateCompleted(e.stateId(), e.baseSnapshotId())
                                : new KernelEvent.StateEntered(otherState, e.attempt() + 1, e.baseSnapshotId());
                    case KernelEvent.StateCompleted e ->
                        random.nextBoolean()
                                ? new KernelEvent.StateEntered(otherState, 0, e.contextSnapshotId())
                                : new KernelEvent.StateCompleted(e.stateId(), other);
                    case KernelEvent.RunStarted e -> new KernelEvent.RunStarted(e.opId(), e.initialSnapshotId(), other);
                    case KernelEvent.RunCompleted e -> new KernelEvent.RunCompleted(e.status(), Optional.of(other));
                    case KernelEvent.StateFailed e -> e;
                };
        return new Event.Kernel(changed);
    }

    private static Event randomKernel(Random random) {
        StateId state = StateId.of("m.op" + random.nextInt(50) + ".state_" + random.nextInt(1000));
        ArtifactId a = SampleEvents.artifactId("a" + random.nextLong());
        ArtifactId b = SampleEvents.artifactId("b" + random.nextLong());
        KernelEvent event =
                switch (random.nextInt(4)) {
                    case 0 -> new KernelEvent.RunStarted(OpId.of("op_" + random.nextInt(100)), a, b);
                    case 1 -> new KernelEvent.StateEntered(state, random.nextInt(Integer.MAX_VALUE), a);
                    case 2 -> new KernelEvent.StateCompleted(state, a);
                    default ->
                        new KernelEvent.RunCompleted(
                                RunStatus.values()[random.nextInt(3)],
                                random.nextBoolean() ? Optional.of(a) : Optional.empty());
                };
        return new Event.Kernel(event);
    }
}
