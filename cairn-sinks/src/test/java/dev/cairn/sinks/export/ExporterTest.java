package dev.cairn.sinks.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cell.api.NoopExportSink;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.events.CairnEventTypes;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.support.LiteralSecretScanner;
import dev.cairn.sinks.support.Runs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline's export section end to end: outcomes per artifact, recorded as events, emitted as CloudEvents. */
class ExporterTest {

    @TempDir
    Path dir;

    @Test
    void eachArtifactGetsAnOutcomeAndOneFailureDoesNotStopTheOthers() throws IOException {
        Path good = Files.writeString(dir.resolve("hello.txt"), "hello");
        Path leaking = Files.writeString(dir.resolve("env.txt"), "KEY=s3cr3t-value-for-tests");
        ExportSinks sinks = new ExportSinks(
                SecretLookup.none(),
                new LiteralSecretScanner(Map.of("API_KEY", "s3cr3t-value-for-tests")),
                Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC));
        Exporter exporter = new Exporter(
                Map.of("releases", sinks.create(new ExportTargetConfig.Directory(dir.resolve("out"), false))),
                new NoopExportSink());

        List<ExportOutcome> outcomes = exporter.exportAll(List.of(
                new ExportItem("hello.txt", "package", good, Optional.of("releases"), Optional.of("text/plain")),
                new ExportItem("env.txt", "configure", leaking, Optional.of("releases"), Optional.empty()),
                new ExportItem("hello.txt", "package", good, Optional.of("nowhere"), Optional.empty()),
                new ExportItem("hello.txt", "package", good, Optional.empty(), Optional.empty())));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(ExportOutcome.Pushed.class, p -> assertThat(
                        p.receipt().sha256())
                .contains(ArtifactIds.ofBytes("hello".getBytes(StandardCharsets.UTF_8))));
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(ExportOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("export_contains_secret");
            assertThat(f.message())
                    .contains("step \"configure\"")
                    .contains("API_KEY")
                    .doesNotContain("s3cr3t");
        });
        assertThat(outcomes.get(2)).isInstanceOfSatisfying(ExportOutcome.Failed.class, f -> assertThat(f.code())
                .isEqualTo("unknown_export_target"));
        assertThat(outcomes.get(3)).isInstanceOfSatisfying(ExportOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("export_sink");
            assertThat(f.message()).contains("no export sink is configured");
        });
        assertThat(Files.exists(dir.resolve("out/env.txt"))).isFalse();
    }

    @Test
    void outcomesAreRecordedAsDomainEventsThatBecomeExportCloudEvents() throws IOException {
        Path good = Files.writeString(dir.resolve("hello.txt"), "hello");
        ExportSinks sinks = new ExportSinks(
                SecretLookup.none(),
                new LiteralSecretScanner(Map.of()),
                Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC));
        Exporter exporter = new Exporter(
                Map.of("releases", sinks.create(new ExportTargetConfig.Directory(dir.resolve("out"), false))),
                new NoopExportSink());
        ExportOutcome pushed = exporter.export(
                new ExportItem("hello.txt", "package", good, Optional.of("releases"), Optional.empty()));

        DomainEvent event = pushed.toDomainEvent();
        assertThat(event.name()).isEqualTo(CairnEventTypes.Names.EXPORT_PUSHED);
        JsonNode expected = StrictJson.parse(
                """
                {"name": "hello.txt", "step": "package", "target": "releases",
                 "receipt": {"targetKind": "local", "destination": "%s", "bytesWritten": 5,
                             "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                             "exportedAt": "2026-11-23T06:00:00Z"}}
                """
                        .formatted(dir.resolve("out/hello.txt").toAbsolutePath()));
        assertThat(event.payload()).isEqualTo(expected);
        assertThat(Wire.fromTree(event.payload(), ExportOutcome.Pushed.class)).isEqualTo(pushed);

        EventEnvelope envelope = Runs.envelope(Runs.runId(new Random(3)), 9, new Event.Domain(event));
        var cloud = new CloudEventMapper("export-test").toCloudEvent(envelope);
        assertThat(cloud.type()).isEqualTo(CairnEventTypes.EXPORT_PUSHED);
        assertThat(cloud.subject()).contains("hello.txt");
    }
}
