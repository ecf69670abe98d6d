package dev.cairn.sinks.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.FsyncPolicy;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.events.StructuredJson;
import dev.cairn.sinks.support.Runs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Lines sink on a real file: lines, appends across reopening, torn tails, rotation. */
class JsonLinesEventSinkTest {

    @TempDir
    Path dir;

    private List<EncodedEvent> events;

    @BeforeEach
    void events() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        RunId run = Runs.runId(new Random(seed));
        CloudEventMapper mapper = new CloudEventMapper("jsonl-test");
        events = new ArrayList<>();
        for (EventEnvelope e : Runs.run(run, 5)) {
            events.add(mapper.encode(e));
        }
    }

    @Test
    void eachEventIsOneLineOfItsStructuredJsonAndAppendsSurviveReopening() throws IOException {
        Path file = dir.resolve("nested/dir/events.jsonl");
        try (JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(file))) {
            sink.deliver(events.subList(0, 5));
        }
        try (JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(file))) {
            sink.deliver(events.subList(5, events.size()));
            sink.emit(events.getFirst().event()); // the port's own method, same bytes
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(events.size() + 1);
        for (int i = 0; i < events.size(); i++) {
            assertThat(lines.get(i)).isEqualTo(events.get(i).text());
            assertThat(StructuredJson.decode(lines.get(i).getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(events.get(i).event());
        }
        assertThat(lines.getLast()).isEqualTo(events.getFirst().text());
        assertThat(Files.readString(file)).endsWith("\n");
    }

    @Test
    void aPartialLineLeftByACrashIsCutOffWhenTheFileIsOpenedAgain() throws IOException {
        Path file = dir.resolve("events.jsonl");
        try (JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(file))) {
            sink.deliver(events.subList(0, 3));
        }
        String torn = events.get(3).text().substring(0, 40);
        Files.writeString(file, torn, StandardOpenOption.APPEND); // what a crash mid-write leaves

        try (JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(file))) {
            sink.deliver(events.subList(3, 5));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines)
                .containsExactly(
                        events.get(0).text(),
                        events.get(1).text(),
                        events.get(2).text(),
                        events.get(3).text(),
                        events.get(4).text());

        Path onlyTorn = dir.resolve("torn.jsonl");
        Files.writeString(onlyTorn, "{\"specversion\":\"1.0\",\"id\":\"x");
        try (JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(onlyTorn))) {
            sink.deliver(events.subList(0, 1));
        }
        assertThat(Files.readAllLines(onlyTorn))
                .containsExactly(events.getFirst().text());
    }

    @Test
    void rotationRenamesFullFilesToTheNextFreeNumberAndKeepsEveryLineWhole() throws IOException {
        Path file = dir.resolve("events.jsonl");
        long limit = 2048;
        SinkTarget.JsonLines target = new SinkTarget.JsonLines(file, FsyncPolicy.BATCH, Optional.of(limit));
        try (JsonLinesEventSink sink = new JsonLinesEventSink(target)) {
            sink.deliver(events.subList(0, 9));
            sink.deliver(events.subList(9, events.size()));
        }
        List<Path> files = new ArrayList<>();
        for (int n = 1; Files.exists(dir.resolve("events.jsonl." + n)); n++) {
            files.add(dir.resolve("events.jsonl." + n));
        }
        files.add(file);
        assertThat(files.size()).isGreaterThan(2);
        List<String> all = new ArrayList<>();
        for (Path f : files) {
            assertThat(Files.size(f)).as(f.toString()).isLessThanOrEqualTo(limit);
            all.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        assertThat(all).isEqualTo(events.stream().map(EncodedEvent::text).toList());
    }

    @Test
    void aFileThatCannotBeWrittenFailsRetryablyAndNamesTheFile() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "a file where the sink wants a directory");
        JsonLinesEventSink sink = new JsonLinesEventSink(SinkTarget.JsonLines.at(blocker.resolve("events.jsonl")));
        assertThatThrownBy(() -> sink.deliver(events)).isInstanceOfSatisfying(SinkException.class, e -> {
            assertThat(e.code()).isEqualTo("sink_unreachable");
            assertThat(e.retryable()).isTrue();
            assertThat(e.acknowledged()).isZero();
            assertThat(e.getMessage()).contains("not-a-dir");
        });
        sink.close();
    }
}
