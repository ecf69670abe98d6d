package dev.cairn.sinks.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.CloudEventV1;
import dev.cairn.json.Canonical;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.StateError;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.runtime.EngineEvents;
import dev.cairn.sinks.support.Runs;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Stored events become CloudEvents v1 with stable ids and stable bytes; the catalogue is complete. */
class CloudEventMapperTest {

    private static final RunId RUN = new RunId(UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"));
    private final CloudEventMapper mapper = new CloudEventMapper("build-01.example.com");

    @Test
    void everyKernelEventMatchesItsGoldenCloudEvent() {
        StateId state = StateId.of("build.compile.run");
        List<EventEnvelope> events = List.of(
                Runs.envelope(
                        RUN,
                        1,
                        kernel(new KernelEvent.RunStarted(
                                dev.cairn.machine.ids.OpId.of("build"),
                                Runs.artifact("manifest"),
                                Runs.artifact("initial")))),
                Runs.envelope(RUN, 2, kernel(new KernelEvent.StateEntered(state, 1, Runs.artifact("base")))),
                Runs.envelope(RUN, 3, kernel(new KernelEvent.StateCompleted(state, Runs.artifact("after")))),
                Runs.envelope(
                        RUN,
                        4,
                        kernel(new KernelEvent.StateFailed(
                                state,
                                new StateError(
                                        Optional.of(state),
                                        ErrorInfo.of(
                                                "exit_status",
                                                ErrorCategory.UNKNOWN,
                                                true,
                                                "the command exited with 2")),
                                Optional.empty()))),
                new EventEnvelope(
                        RUN,
                        5,
                        Optional.empty(),
                        kernel(new KernelEvent.RunCompleted(RunStatus.FAILED, Optional.of(Runs.artifact("final"))))));
        JsonNode golden = golden("kernel_events.json");
        assertThat(golden.size()).isEqualTo(events.size());
        for (int i = 0; i < events.size(); i++) {
            EncodedEvent encoded = mapper.encode(events.get(i));
            assertThat(StrictJson.parse(encoded.json())).as("event %d", i + 1).isEqualTo(golden.get(i));
        }
        // the bytes themselves: RFC 8785, members sorted, no whitespace
        assertThat(mapper.encode(events.get(1)).text())
                .isEqualTo("{\"data\":{\"attempt\":1,\"base_snapshot_id\":"
                        + "\"cae662172fd450bb0cd710a769079c05bfc5d8e35efa6576edc7d0377afdd4a2\","
                        + "\"state_id\":\"build.compile.run\"},\"datacontenttype\":\"application/json\","
                        + "\"id\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30:2\","
                        + "\"source\":\"cairn://build-01.example.com/runs/0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\","
                        + "\"specversion\":\"1.0\",\"subject\":\"build.compile.run\","
                        + "\"time\":\"2026-11-23T06:00:02Z\",\"type\":\"dev.cairn.state.entered.v1\"}");
    }

    @Test
    void domainEventsMatchTheirGoldenCloudEvents() {
        ObjectNode lease = JsonNodeFactory.instance
                .objectNode()
                .put("task_id", "task-7")
                .put("state_id", "build.compile.run")
                .put("runner", "node-1")
                .put("lease_epoch", 3);
        ObjectNode custom = JsonNodeFactory.instance.objectNode().put("percent", 40);
        List<EventEnvelope> events = List.of(
                Runs.envelope(RUN, 6, new Event.Domain(DomainEvent.of(CairnEventTypes.Names.TASK_LEASED, lease))),
                Runs.envelope(
                        RUN,
                        7,
                        new Event.Domain(new FactRecorded(
                                        new FactKey("io.http.get"),
                                        Runs.artifact("fact"),
                                        JsonNodeFactory.instance.objectNode())
                                .toDomainEvent())),
                Runs.envelope(RUN, 8, new Event.Domain(DomainEvent.of("progress", custom))),
                Runs.envelope(
                        RUN,
                        9,
                        new Event.Domain(new DomainEvent(
                                CairnEventTypes.Names.CELL_EXITED,
                                JsonNodeFactory.instance
                                        .objectNode()
                                        .put("cell_id", "cell-3")
                                        .put("exit_code", 0),
                                Optional.of(Runs.artifact("log"))))),
                Runs.envelope(
                        RUN,
                        10,
                        new Event.Domain(new EngineEvents.StateRetryScheduled(
                                        StateId.of("build.compile.run"), 0, 1, Duration.ofMillis(1500))
                                .toDomainEvent())));
        JsonNode golden = golden("domain_events.json");
        assertThat(golden.size()).isEqualTo(events.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(StrictJson.parse(mapper.encode(events.get(i)).json()))
                    .as("event %d", i + 6)
                    .isEqualTo(golden.get(i));
        }
    }

    @Test
    void theSameEventAlwaysHasTheSameIdAndTheSameCanonicalBytes() {
        List<EventEnvelope> run = Runs.run(RUN, 3);
        for (EventEnvelope envelope : run) {
            EncodedEvent first = mapper.encode(envelope);
            EncodedEvent again = new CloudEventMapper("build-01.example.com").encode(envelope);
            assertThat(again.json()).isEqualTo(first.json());
            assertThat(first.id()).isEqualTo(RUN + ":" + envelope.seq());
            assertThat(first.json()).isEqualTo(Canonical.canonicalize(first.json()));
            assertThat(StructuredJson.decode(first.json())).isEqualTo(first.event());
        }
        assertThat(run.stream().map(e -> mapper.encode(e).id()).distinct().count())
                .isEqualTo(run.size());
    }

    @Test
    void theCloudEventsSdkReadsWhatWeWrite() {
        EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        assertThat(format)
                .as("cloudevents-json-jackson registers the JSON format")
                .isNotNull();
        assertThat(StructuredJson.CONTENT_TYPE).isEqualTo(JsonFormat.CONTENT_TYPE);
        for (EventEnvelope envelope : Runs.run(RUN, 2)) {
            EncodedEvent encoded = mapper.encode(envelope);
            CloudEvent read = format.deserialize(encoded.json());
            CloudEventV1 ours = encoded.event();
            assertThat(read.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(read.getId()).isEqualTo(ours.id());
            assertThat(read.getSource().toString()).isEqualTo("cairn://build-01.example.com/runs/" + RUN);
            assertThat(read.getType()).isEqualTo(ours.type());
            assertThat(Optional.ofNullable(read.getSubject())).isEqualTo(ours.subject());
            assertThat(read.getTime().toInstant()).isEqualTo(ours.time().orElseThrow());
            assertThat(read.getDataContentType()).isEqualTo("application/json");
            assertThat(StrictJson.parse(read.getData().toBytes()))
                    .isEqualTo(ours.data().orElseThrow());
        }
    }

    @Test
    void theCatalogueCoversTheKernelAndTheEngineAndEveryTypeIsDocumented() throws IOException {
        Set<String> kernel = CairnEventTypes.all().stream()
                .filter(t -> t.origin() == EventType.Origin.KERNEL)
                .map(EventType::storedName)
                .collect(Collectors.toSet());
        assertThat(kernel)
                .containsExactlyInAnyOrder(
                        "RunStarted", "StateEntered", "StateCompleted", "StateFailed", "RunCompleted");
        Set<String> engine = new java.util.HashSet<>(EngineEvents.REQUIRED);
        engine.addAll(EngineEvents.DIAGNOSTIC);
        engine.add(DomainEvent.DOMAIN_EVENT_ARTIFACT_WRITTEN);
        engine.add(DomainEvent.DOMAIN_EVENT_OP_BOUNDARY);
        for (String name : engine) {
            assertThat(CairnEventTypes.domain(name))
                    .as("engine event %s has a type", name)
                    .isPresent();
        }
        List<String> types = CairnEventTypes.all().stream().map(EventType::type).toList();
        assertThat(types).doesNotHaveDuplicates();
        String doc = Files.readString(Path.of("..", "docs", "events.md"), StandardCharsets.UTF_8);
        List<String> undocumented = new ArrayList<>();
        for (EventType type : CairnEventTypes.all()) {
            if (!doc.contains("`" + type.type() + "`")) {
                undocumented.add(type.type());
            }
        }
        assertThat(undocumented).as("types missing from docs/events.md").isEmpty();
    }

    @Test
    void badAuthoritiesAreRefused() {
        assertThatThrownBy(() -> new CloudEventMapper("build 01"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("build 01");
        assertThatThrownBy(() -> new CloudEventMapper("host/path")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new CloudEventMapper("localhost:8080").source(RUN)).isEqualTo("cairn://localhost:8080/runs/" + RUN);
    }

    private static Event kernel(KernelEvent event) {
        return new Event.Kernel(event);
    }

    private static JsonNode golden(String name) {
        try (InputStream in = CloudEventMapperTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new AssertionError("no golden file " + name);
            }
            return StrictJson.parse(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
