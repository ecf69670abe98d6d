package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepView;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.workspace.cache.CacheEntry;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host-decided cache end to end on a real SQLite database and artifact store, with a runner that
 * honours the decision (real processes in materialized workspaces): keys, hits without a task,
 * commits of successful misses only, caching switched off, chains, and replays that never touch
 * the cache.
 */
class HostCacheTest {

    @TempDir
    Path dir;

    static final String TWO_STEPS =
            """
            op: cached
            params:
              word: {default: hello}
            steps:
              - id: gen
                env: {WORD: "${{ params.word }}"}
                run: mkdir -p out && echo "$WORD" > out/word.txt && printf '#!/bin/sh\\necho ok\\n' > out/tool.sh && chmod +x out/tool.sh
                outputs: ["out/*"]
              - id: use
                needs: [gen]
                inputs: [{step: gen}]
                run: cat out/word.txt && ./out/tool.sh && cat out/word.txt > copy.txt
                outputs: [copy.txt]
            """;

    private static WorkspaceCommands runner(Harness h) {
        WorkspaceCommands commands = new WorkspaceCommands(() -> h.orchestrator.artifacts());
        h.worker("w1", Map.of(), Map.of("command", commands.handler()));
        return commands;
    }

    private static StepView step(RunDetail detail, String id) {
        return detail.steps().stream()
                .filter(s -> s.stepId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static List<JsonNode> cacheEvents(Harness h, String runId) {
        return h.orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                .map(EventEnvelope::event)
                .filter(e -> e instanceof Event.Domain d && d.event().name().equals(CacheCall.EVENT))
                .map(e -> ((Event.Domain) e).event().payload())
                .toList();
    }

    @Test
    void theSecondRunOfAnUnchangedPipelineIsAllHitsAndRunsNothing() throws Exception {
        try (Harness h = new Harness(dir)) {
            WorkspaceCommands commands = runner(h);
            String first = h.submit(TWO_STEPS);
            RunDetail one = h.awaitEnd(first);
            assertThat(one.state()).as(one.toString()).isEqualTo(RunState.COMPLETED);
            assertThat(step(one, "gen").cache()).contains("miss");
            assertThat(step(one, "use").cache()).contains("miss");
            assertThat(step(one, "gen").cacheKey()).isPresent();
            assertThat(commands.received).hasSize(2);
            CommandTask gen = commands.tasks("gen").getFirst();
            assertThat(gen.cache()).isInstanceOf(CacheDecision.MissBuildAs.class);
            assertThat(gen.cacheKey()).isEqualTo(step(one, "gen").cacheKey());
            assertThat(((CacheDecision.MissBuildAs) gen.cache()).tag())
                    .isEqualTo(SnapshotRefs.cacheTag(new CacheKey(gen.cacheKey().orElseThrow())));
            assertThat(h.orchestrator.actionCache().list()).hasSize(2);
            CacheEntry genEntry = h.orchestrator
                    .actionCache()
                    .lookup(new CacheKey(gen.cacheKey().orElseThrow()))
                    .orElseThrow();
            assertThat(genEntry.preimage()).isPresent();
            assertThat(genEntry.outputs()).extracting(o -> o.key()).containsExactly("out/tool.sh", "out/word.txt");
            assertThat(genEntry.origin()).isEqualTo("run/" + first + "/step/gen");

            String second = h.submit(TWO_STEPS);
            RunDetail two = h.awaitEnd(second);
            assertThat(two.state()).as(two.toString()).isEqualTo(RunState.COMPLETED);
            assertThat(commands.received).as("a hit dispatches no task").hasSize(2);
            assertThat(h.orchestrator.tasks(second)).isEmpty();
            for (String id : List.of("gen", "use")) {
                assertThat(step(two, id).cache()).contains("hit");
                assertThat(step(two, id).exitCode()).contains(0);
                assertThat(step(two, id).cacheKey()).isEqualTo(step(one, id).cacheKey());
            }
            assertThat(cacheEvents(h, second))
                    .extracting(e ->
                            e.path("step_id").asText() + ":" + e.path("cache").asText())
                    .containsExactlyInAnyOrder("gen:hit", "use:hit");
            assertThat(h.orchestrator
                            .actionCache()
                            .lookup(new CacheKey(gen.cacheKey().orElseThrow()))
                            .orElseThrow()
                            .hits())
                    .isEqualTo(1);

            // A changed param changes the command's environment: both steps miss (use's input changed too).
            String third = h.submit(TWO_STEPS, Map.of("word", "bye"));
            RunDetail three = h.awaitEnd(third);
            assertThat(three.state()).isEqualTo(RunState.COMPLETED);
            assertThat(step(three, "gen").cache()).contains("miss");
            assertThat(step(three, "use").cache()).contains("miss");
            assertThat(commands.received).hasSize(4);
            // The hit served the executable bit with the outputs: `use` ran ./out/tool.sh from gen's hit.
            String fourth = h.submit(TWO_STEPS, Map.of("word", "bye"));
            assertThat(h.awaitEnd(fourth).state()).isEqualTo(RunState.COMPLETED);
            assertThat(commands.received).hasSize(4);

            ReplayResult replay = h.orchestrator.replay(second);
            assertThat(replay.verified()).as(replay.message()).isTrue();
            assertThat(commands.received).as("a replay never dispatches").hasSize(4);
            assertThat(h.orchestrator
                            .actionCache()
                            .lookup(new CacheKey(gen.cacheKey().orElseThrow()))
                            .orElseThrow()
                            .hits())
                    .as("a replay reads its recorded decision, not the cache")
                    .isEqualTo(1);
        }
    }

    @Test
    void failedStepsCacheOffAndSideEffectsAreNeverCommitted() throws Exception {
        String spec =
                """
                op: uncached
                steps:
                  - id: clock
                    cache: false
                    run: date +%s%N > now.txt
                    outputs: [now.txt]
                  - id: deploy
                    side_effect: apply_side_effect
                    idempotency_key: deploy-1
                    run: echo deploying
                  - id: flaky
                    run: exit 3
                """;
        try (Harness h = new Harness(dir)) {
            WorkspaceCommands commands = runner(h);
            for (int i = 1; i <= 2; i++) {
                RunDetail detail = h.awaitEnd(h.submit(spec));
                assertThat(detail.state()).isEqualTo(RunState.FAILED);
                assertThat(step(detail, "clock").cache()).contains("off");
                assertThat(step(detail, "clock").cacheKey()).isEmpty();
                assertThat(step(detail, "deploy").cache()).contains("off");
                assertThat(step(detail, "flaky").cache()).contains("miss");
                assertThat(commands.tasks("clock")).hasSize(i);
                assertThat(commands.tasks("deploy")).hasSize(i);
                assertThat(commands.tasks("flaky")).hasSize(i);
            }
            assertThat(commands.tasks("clock").getFirst().cache()).isInstanceOf(CacheDecision.MissNoCommit.class);
            assertThat(commands.tasks("clock").getFirst().cacheKey()).isEmpty();
            assertThat(commands.tasks("deploy").getFirst().cache()).isInstanceOf(CacheDecision.MissNoCommit.class);
            assertThat(commands.tasks("flaky").getFirst().cache()).isInstanceOf(CacheDecision.MissBuildAs.class);
            assertThat(h.orchestrator.actionCache().list())
                    .as("nothing was committed")
                    .isEmpty();
            assertThat(h.orchestrator.actionCache().pins())
                    .as("every attempt released its pins")
                    .isEmpty();
        }
    }

    @Test
    void aChainStartsFromItsParentsCommittedSnapshotAndHitsTheSecondTime() throws Exception {
        String spec =
                """
                op: chain
                steps:
                  - id: checkout
                    run: mkdir -p src && echo "int main;" > src/main.c && echo built-nothing-yet > state.txt
                  - id: build
                    needs: [checkout]
                    continues: checkout
                    run: test -f src/main.c && cat state.txt && echo compiled > state.txt && cp state.txt result.txt
                    outputs: [result.txt]
                """;
        try (Harness h = new Harness(dir)) {
            WorkspaceCommands commands = runner(h);
            RunDetail one = h.awaitEnd(h.submit(spec));
            assertThat(one.state()).as(one.toString()).isEqualTo(RunState.COMPLETED);
            CommandTask checkout = commands.tasks("checkout").getFirst();
            CommandTask build = commands.tasks("build").getFirst();
            assertThat(checkout.parentSnapshot()).isEmpty();
            CacheEntry parent = h.orchestrator
                    .actionCache()
                    .lookup(new CacheKey(checkout.cacheKey().orElseThrow()))
                    .orElseThrow();
            assertThat(build.parentSnapshot()).contains(SnapshotRefs.treeRef(parent.snapshot()));
            assertThat(h.orchestrator
                            .actionCache()
                            .lookup(new CacheKey(build.cacheKey().orElseThrow()))
                            .orElseThrow()
                            .preimage()
                            .orElseThrow()
                            .parentSnapshot())
                    .contains(parent.snapshot());

            String again = h.submit(spec);
            RunDetail two = h.awaitEnd(again);
            assertThat(two.state()).isEqualTo(RunState.COMPLETED);
            assertThat(step(two, "checkout").cache()).contains("hit");
            assertThat(step(two, "build").cache()).contains("hit");
            assertThat(commands.received).hasSize(2);
            assertThat(cacheEvents(h, again))
                    .filteredOn(e -> e.path("step_id").asText().equals("build"))
                    .extracting(e -> e.path("parent_snapshot").asText())
                    .containsExactly(SnapshotRefs.treeRef(parent.snapshot()).value());
        }
    }

    @Test
    void aChainWhoseParentReportedNoSnapshotFailsWithAClearError() throws Exception {
        String spec =
                """
                op: chain
                steps:
                  - id: checkout
                    run: echo hi > a.txt
                  - id: build
                    needs: [checkout]
                    continues: checkout
                    run: cat a.txt
                """;
        try (Harness h = new Harness(dir)) {
            h.commandWorker("plain", Map.of()); // reports no committed snapshot
            RunDetail detail = h.awaitEnd(h.submit(spec));
            assertThat(detail.state()).isEqualTo(RunState.FAILED);
            assertThat(step(detail, "build").error().orElseThrow()).contains("no committed snapshot");
            assertThat(h.orchestrator.actionCache().list()).isEmpty();
            assertThat(Optional.of(detail.error().orElseThrow()))
                    .hasValueSatisfying(e -> assertThat(e).contains("build"));
        }
    }
}
