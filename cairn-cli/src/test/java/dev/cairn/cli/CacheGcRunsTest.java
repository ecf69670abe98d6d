package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.JobResult;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.contracts.api.StepView;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.orchestrator.embedded.EmbeddedOrchestrator;
import dev.cairn.orchestrator.embedded.OrchestratorOptions;
import dev.cairn.orchestrator.spec.SpecParser;
import dev.cairn.orchestrator.spec.SpecWriter;
import dev.cairn.runner.node.RunnerNode;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.store.fs.FsArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn cache gc} on a home where real pipelines ran (the embedded orchestrator and a runner
 * node running real commands): orphan blobs go, and everything the runs need stays — a run stopped
 * half-way resumes and finishes after the collection, a finished run replays and its outputs
 * download.
 */
class CacheGcRunsTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    // `make` reads an uploaded input (referenced only from the spec, through the manifest) and
    // writes an output; `use` reads that output and can run only on a node labelled tier=second, so
    // the run stops after `make` until such a node starts.
    static final String PIPELINE =
            """
            op: gc_check
            steps:
              - id: make
                inputs:
                  - {artifact: %s, to: names.txt}
                run: |
                  mkdir -p out
                  sort names.txt > out/sorted.txt
                  echo made
                outputs: [out/sorted.txt]
              - id: use
                needs: [make]
                labels: {tier: second}
                inputs:
                  - {step: make}
                run: |
                  tr a-z A-Z < out/sorted.txt > upper.txt
                outputs: [upper.txt]
            """;

    @TempDir
    Path tmp;

    private Path home() {
        return tmp.resolve("home");
    }

    private EmbeddedOrchestrator orchestrator() {
        return EmbeddedOrchestrator.open(OrchestratorOptions.builder()
                .home(home())
                .sweepInterval(Duration.ofMillis(50))
                .build());
    }

    private RunnerNode node(EmbeddedOrchestrator orchestrator, String id, Map<String, String> labels) {
        return RunnerNode.start(
                orchestrator.leases(),
                orchestrator.artifacts(),
                RunnerRegistry.builder().builtIns().build(),
                RunnerNodeOptions.builder()
                        .workerId(id)
                        .labels(labels)
                        .acquireWait(Duration.ofMillis(200))
                        .workRoot(tmp.resolve("node-" + id))
                        .build());
    }

    private CliRun gc(String... args) {
        List<String> all = new ArrayList<>(List.of("cache", "gc", "--home", home().toString(), "--json"));
        all.addAll(List.of(args));
        CliRun run = cairn(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run;
    }

    /** Blobs no run or cache entry references, last modified long ago. */
    private List<ArtifactId> plantOrphans(String tag) {
        List<ArtifactId> orphans = new ArrayList<>();
        try (FsArtifactStore store = FsArtifactStore.open(home().resolve("artifacts"))) {
            for (int i = 0; i < 3; i++) {
                ArtifactId id = store.put(
                        new ArtifactKind.Output(), ("orphan " + tag + " " + i).getBytes(StandardCharsets.UTF_8));
                CacheCommandTest.age(store, id);
                orphans.add(id);
            }
            // A JSON blob that names another blob, but that no run references: both go.
            ArtifactId named = store.put(new ArtifactKind.Output(), ("named " + tag).getBytes(StandardCharsets.UTF_8));
            ArtifactId naming = store.put(
                    new ArtifactKind.Other("note"),
                    ("{\"artifact\":\"" + named.value() + "\"}").getBytes(StandardCharsets.UTF_8));
            CacheCommandTest.age(store, named);
            CacheCommandTest.age(store, naming);
            orphans.add(named);
            orphans.add(naming);
        }
        return orphans;
    }

    private boolean anyExists(List<ArtifactId> ids) {
        try (FsArtifactStore store = FsArtifactStore.open(home().resolve("artifacts"))) {
            return ids.stream().anyMatch(store::exists);
        }
    }

    /** Each step's outputs, downloaded: step → output key → content. */
    private static Map<String, Map<String, String>> outputs(EmbeddedOrchestrator orchestrator, String runId) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        JobResult job = orchestrator.summary(runId).jobs().getFirst();
        for (var result : job.results()) {
            Map<String, String> files = new LinkedHashMap<>();
            for (JsonNode output : result.details().orElseThrow().get("outputs")) {
                byte[] bytes = orchestrator
                        .artifacts()
                        .get(new ArtifactId(output.get("artifact_id").asText()));
                files.put(output.get("key").asText(), new String(bytes, StandardCharsets.UTF_8));
            }
            out.put(result.name(), files);
        }
        return out;
    }

    @Test
    void runsResumeReplayAndDownloadTheirOutputsAfterACollection() throws Exception {
        String runId;
        // 1. Run the first step; the second waits for a node that is not there.
        try (EmbeddedOrchestrator orchestrator = orchestrator()) {
            ArtifactId names = orchestrator
                    .artifacts()
                    .put(new ArtifactKind.Output(), "grace\nada\n".getBytes(StandardCharsets.UTF_8));
            JsonNode spec = SpecWriter.toJson(new SpecParser()
                    .parse(PIPELINE.formatted(names.value()), "gc.yaml")
                    .spec());
            runId = orchestrator
                    .submitPipeline(PipelineRunRequest.of(spec, Map.of()))
                    .runId();
            try (RunnerNode first = node(orchestrator, "first", Map.of())) {
                // Once `use`'s nonce (a fact drawn just before its dispatch) is in the log, the log
                // holds everything up to the dispatch: the kernel makes the log durable before each
                // live task call, and nothing more happens until a node takes the task. (Closing earlier would lose the
                // log's tail as a crash does; the blobs only that tail referenced would then be
                // orphans too, and rightly collected: the resumed run writes them again.)
                await(
                        () -> step(orchestrator.detail(runId), "make").state() == StepState.COMPLETED
                                && step(orchestrator.detail(runId), "use").state() == StepState.QUEUED
                                && orchestrator.events(runId, 0, 1_000, Duration.ZERO).stream()
                                        .anyMatch(e -> Wire.write(e.event()).contains("state:gc_check.use.main"))
                                // a step shows QUEUED before its task row exists; wait for the row too
                                && orchestrator
                                                .database()
                                                .read(r -> r.queryOne(
                                                        "SELECT count(*) FROM tasks WHERE step_id = 'use'",
                                                        row -> row.getLong(1)))
                                                .orElse(0L)
                                        == 1L,
                        "make to complete and use to be dispatched");
            }
            assertThat(orchestrator.detail(runId).state().terminal()).isFalse();
        }

        // 2. Collect with no grace at all: only references keep a blob.
        List<ArtifactId> orphans = plantOrphans("before");
        JsonNode dry = StrictJson.parse(gc("--dry-run", "--grace", "0s").stdout());
        // The planted orphans, plus what the host wrote only for its own use: the input tree it
        // built to compute `make`'s cache key is named by the entry's preimage, not kept by it.
        long deletable = dry.get("collection").get("deleted").longValue();
        assertThat(deletable).isGreaterThanOrEqualTo(orphans.size());
        assertThat(dry.get("runs").get("runs").longValue()).isEqualTo(1);
        assertThat(dry.get("runs").get("tasks").longValue()).isEqualTo(2);
        assertThat(anyExists(orphans)).isTrue();

        JsonNode collected = StrictJson.parse(gc("--grace", "0s").stdout());
        assertThat(collected.get("collection").get("deleted").longValue()).isEqualTo(deletable);
        assertThat(collected.get("collection").get("broken")).isEmpty();
        assertThat(collected.get("runs").get("missing")).isEmpty();
        assertThat(anyExists(orphans)).isFalse();

        // 3. The stopped run resumes: `use` reads `make`'s output, which the collection kept.
        try (EmbeddedOrchestrator orchestrator = orchestrator();
                RunnerNode second = node(orchestrator, "second", Map.of("tier", "second"))) {
            await(() -> orchestrator.detail(runId).state().terminal(), "the run to end");
            RunDetail detail = orchestrator.detail(runId);
            assertThat(detail.state()).as(detail.toString()).isEqualTo(RunState.COMPLETED);
            assertThat(outputs(orchestrator, runId))
                    .isEqualTo(Map.of(
                            "make", Map.of("out/sorted.txt", "ada\ngrace\n"),
                            "use", Map.of("upper.txt", "ADA\nGRACE\n")));
        }

        // 4. Collect again after the run finished; it replays and its outputs download.
        List<ArtifactId> more = plantOrphans("after");
        JsonNode again = StrictJson.parse(gc("--grace", "0s").stdout());
        assertThat(again.get("collection").get("deleted").longValue()).isEqualTo(more.size());
        assertThat(anyExists(more)).isFalse();
        try (EmbeddedOrchestrator orchestrator = orchestrator()) {
            ReplayResult replay = orchestrator.replay(runId);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(outputs(orchestrator, runId).get("use")).isEqualTo(Map.of("upper.txt", "ADA\nGRACE\n"));
        }

        // 5. A second collection finds nothing more to delete: what the runs need is stable.
        JsonNode stable = StrictJson.parse(gc("--grace", "0s").stdout());
        assertThat(stable.get("collection").get("deleted").longValue()).isZero();
    }

    private static StepView step(RunDetail detail, String id) {
        return detail.steps().stream()
                .filter(s -> s.stepId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
