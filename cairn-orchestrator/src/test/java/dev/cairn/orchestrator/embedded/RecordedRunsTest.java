package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunListItem;
import dev.cairn.json.wire.Wire;
import dev.cairn.orchestrator.api.RunQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Homes recorded by earlier Cairns, kept as they were written ({@code src/test/resources/recorded/<commit>}:
 * the database gzipped, the artifact files, the pipeline that was run): their runs still read and
 * replay.
 */
class RecordedRunsTest {

    @TempDir
    Path dir;

    /**
     * {@code f415e49} keyed a step's task and cache calls with a 16-byte nonce drawn through {@code
     * random_bytes}, a recorded fact; today's keys carry the attempt's number. A replay of such a run
     * reads the recorded nonce back, finds the recorded results and dispatches nothing.
     */
    @Test
    void aRunWhoseDispatchKeysCarryARecordedNonceStillReplays() throws Exception {
        Path home = restore("f415e49");
        try (Harness h = new Harness(home)) {
            List<RunListItem> runs = h.orchestrator.runs(RunQuery.firstPage(10)).runs();
            assertThat(runs).hasSize(1);
            String runId = runs.getFirst().runId();
            List<String> log = h.orchestrator.events(runId, 0, 1_000, Duration.ZERO).stream()
                    .map(e -> Wire.write(e.event()))
                    .toList();
            // the fixture is what this test is about: nonce-keyed calls of both kinds of step
            assertThat(log)
                    .anyMatch(
                            e -> e.contains("cairn:random_bytes|state:legacy_dispatch_keys.greet.main|attempt:0|ord:0"))
                    .anyMatch(e -> e.matches(
                            ".*cairn:cache\\|state:legacy_dispatch_keys\\.greet\\.main\\|decide:[0-9a-f]{32}\".*"))
                    .anyMatch(e -> e.matches(
                            ".*cairn:task\\|state:legacy_dispatch_keys\\.copy\\.main\\|dispatch:[0-9a-f]{32}\".*"));

            ReplayResult replay = h.orchestrator.replay(runId);

            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(replay.message()).contains("replayed 2 states");
            assertThat(h.orchestrator.detail(replay.replayRunId()).state()).isEqualTo(RunState.COMPLETED);
            assertThat(h.orchestrator.tasks(replay.replayRunId()))
                    .as("nothing dispatched")
                    .isEmpty();
        }
    }

    /** A copy of the recorded home {@code name}, its database unpacked. */
    private Path restore(String name) throws IOException, URISyntaxException {
        Path source = Path.of(RecordedRunsTest.class
                        .getResource("/recorded/" + name + "/pipeline.yaml")
                        .toURI())
                .getParent();
        Path home = dir.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(from -> {
                Path to = home.resolve(source.relativize(from).toString());
                try {
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(home.resolve("cairn.db.gz")))) {
            Files.copy(in, home.resolve("cairn.db"));
        }
        Files.delete(home.resolve("cairn.db.gz"));
        return home;
    }
}
