package dev.cairn.runner.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.node.RelayControlPlane;
import dev.cairn.runner.node.StoreArtifactSink;
import dev.cairn.runner.node.StoreInputSource;
import dev.cairn.runner.node.TaskScratch;
import dev.cairn.runner.node.testing.Pids;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-subprocess command executor, driven directly with a real task context. */
class ProcessCommandExecutorTest {

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private ProcessCommandExecutor executor;
    private TaskScratch scratch;
    private RelayControlPlane ctrl;
    private StoreArtifactSink sink;
    private TaskCtx ctx;

    @BeforeEach
    void setUp() {
        executor = ProcessCommandExecutor.create(ProcessCommandOptions.defaults()
                .withWorkRoot(dir.resolve("work"))
                .withTerminateGrace(Duration.ofMillis(200)));
        scratch = new TaskScratch(dir.resolve("scratch"), "t-");
        ctrl = new RelayControlPlane(Clock.systemUTC());
        sink = new StoreArtifactSink(store, scratch);
        TaskSpec task = TaskSpec.builder(UUID.randomUUID(), "command").build();
        ctx = new TaskCtx(LeaseEnvelope.builder(task).build(), new StoreInputSource(store, scratch), sink, ctrl);
    }

    @AfterEach
    void tearDown() {
        scratch.close();
    }

    private StepResult run(CommandStep step, InputFile... inputs) {
        return executor.execute(new CommandTask("run-1", "build", step, List.of(inputs)), ctx);
    }

    private List<LogLine> logs() {
        List<LogLine> all = new ArrayList<>();
        while (ctrl.hasPending()) {
            all.addAll(ctrl.drain().logs());
        }
        return all;
    }

    private List<String> lines(List<LogLine> logs, String stream) {
        return logs.stream()
                .filter(l -> l.stream().equals(stream))
                .map(LogLine::message)
                .toList();
    }

    private String input(String text) {
        return store.put(new ArtifactKind.Output(), text.getBytes(StandardCharsets.UTF_8))
                .value();
    }

    @Test
    void streamsStdoutAndStderrLinesAndCapturesOutputsAfterSuccess() throws Exception {
        StepResult result = run(CommandStep.script(
                        """
                        echo one; echo two >&2; echo three
                        mkdir -p dist/sub logs
                        printf 'jar' > dist/app.jar; printf '{}' > dist/sub/meta.json; echo x > logs/build.log
                        printf 'no newline at the end'
                        """)
                .output("dist/**")
                .output("*.none")
                .build());

        assertThat(result.exitCode()).isZero();
        assertThat(result.committedSnapshot()).isEmpty();
        assertThat(result.artifacts())
                .containsExactly(
                        new ArtifactRef("dist/app.jar", "application/java-archive", 3),
                        new ArtifactRef("dist/sub/meta.json", "application/json", 2));
        assertThat(sink.outputs())
                .extracting(OutputArtifact::key, OutputArtifact::artifactId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dist/app.jar", sha("jar")),
                        org.assertj.core.groups.Tuple.tuple("dist/sub/meta.json", sha("{}")));
        assertThat(store.get(new ArtifactId(sha("jar")))).isEqualTo("jar".getBytes(StandardCharsets.UTF_8));
        List<LogLine> logs = logs();
        assertThat(lines(logs, "stdout")).containsExactly("one", "three", "no newline at the end");
        assertThat(lines(logs, "stderr")).containsExactly("two");
        assertThat(ctrl.lastProgress()).get().hasToString("{\"status\":\"exited\",\"exit_code\":0}");
    }

    private static String sha(String text) {
        return dev.cairn.json.ArtifactIds.ofBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNonZeroExitIsAResultAndNothingIsCaptured() {
        StepResult result = run(
                CommandStep.script("echo out > out.txt; exit 3").output("*.txt").build());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.artifacts()).isEmpty();
        assertThat(sink.outputs()).isEmpty();
    }

    @Test
    void materializesInputsWithTheirExecutableBitsAndRunsInTheWorkdir() {
        String tool = input("#!/bin/sh\necho \"tool says $(cat ../data/input.txt)\"\n");
        String data = input("hello");
        StepResult result = run(
                CommandStep.script("stat -c '%a %n' ../bin/tool.sh ../data/input.txt; ../bin/tool.sh; pwd")
                        .workdir("src/app")
                        .build(),
                new InputFile("src/bin/tool.sh", tool, true),
                new InputFile("src/data/input.txt", data, false));

        assertThat(result.exitCode()).isZero();
        List<String> out = lines(logs(), "stdout");
        assertThat(out.subList(0, 3)).containsExactly("755 ../bin/tool.sh", "644 ../data/input.txt", "tool says hello");
        assertThat(out.get(3)).endsWith("/work/src/app");
    }

    @Test
    void theEnvironmentIsOnlyTheDocumentedSetPlusTheStepsOwn() {
        StepResult result = run(CommandStep.argv("env")
                .env("GREETING", "hi")
                .env("LANG", "en_US.UTF-8")
                .env("CAIRN_RUN_ID", "overridden?")
                .build());

        assertThat(result.exitCode()).isZero();
        Map<String, String> env = lines(logs(), "stdout").stream()
                .map(l -> l.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1], (a, b) -> b, TreeMap::new));
        assertThat(env.keySet())
                .containsExactlyInAnyOrder(
                        "PATH",
                        "HOME",
                        "TMPDIR",
                        "LANG",
                        "GREETING",
                        "CAIRN_WORKSPACE",
                        "CAIRN_RUN_ID",
                        "CAIRN_STEP_ID",
                        "CAIRN_TASK_ID",
                        "CAIRN_PROCESS_KEY");
        assertThat(env)
                .containsEntry("PATH", ProcessCommandOptions.DEFAULT_PATH)
                .containsEntry("GREETING", "hi")
                .containsEntry("LANG", "en_US.UTF-8")
                .containsEntry("CAIRN_RUN_ID", "run-1")
                .containsEntry("CAIRN_STEP_ID", "build")
                .containsEntry("CAIRN_TASK_ID", ctx.task().id().toString());
        assertThat(env.get("HOME")).isEqualTo(env.get("TMPDIR")).doesNotStartWith(env.get("CAIRN_WORKSPACE"));
        assertThat(System.getenv()).containsKey("PATH"); // the node has an environment; none of it leaked
        assertThat(env.get("PATH")).isNotEqualTo(System.getenv("PATH"));
    }

    @Test
    void passthroughVariablesComeFromTheNodeWhenConfigured() {
        executor = ProcessCommandExecutor.create(executor.options().withPassthroughEnv(List.of("PATH")));
        run(CommandStep.argv("printenv", "PATH").build());
        assertThat(lines(logs(), "stdout")).containsExactly(System.getenv("PATH"));
    }

    @Test
    void aProgramNotOnPathExitsWith127() {
        StepResult result = run(CommandStep.argv("no-such-program-cairn", "x").build());

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(lines(logs(), "stderr")).singleElement().asString().contains("no-such-program-cairn");
    }

    @Test
    void programsAreLookedUpOnTheStepsPath() {
        String tool = input("#!/bin/sh\necho found me\n");
        StepResult result = run(
                CommandStep.argv("mytool").env("PATH", "tools:/usr/bin:/bin").build(),
                new InputFile("tools/mytool", tool, true));

        assertThat(result.exitCode()).isZero();
        assertThat(lines(logs(), "stdout")).containsExactly("found me");
    }

    @Test
    void aTimeoutKillsTheWholeTree() throws Exception {
        Path pids = dir.resolve("pids");
        assertThatThrownBy(() -> run(CommandStep.script("sleep 300 & echo $! >> " + pids
                                + "; sh -c 'sleep 300' & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                        .timeout(Duration.ofSeconds(2))
                        .build()))
                .isInstanceOf(RunnerException.class)
                .satisfies(e -> {
                    RunnerException re = (RunnerException) e;
                    assertThat(re.code()).isEqualTo(CommandExecutor.COMMAND_TIMEOUT);
                    assertThat(re.retryable()).isTrue();
                });
        List<Long> started = Pids.await(pids, 3);
        assertThat(started).noneMatch(Pids::alive);
        assertThat(dir.resolve("work")).isEmptyDirectory();
    }

    @Test
    void leftoversAreKilledWhenTheCommandExitsEvenDaemonsThatLeftTheSession() throws Exception {
        Path pids = dir.resolve("pids");
        StepResult result = run(CommandStep.script("sleep 300 & echo $! >> " + pids
                        + "; setsid sh -c 'echo $$ >> " + pids + "; exec sleep 300' > /dev/null 2>&1 &"
                        + " while [ $(wc -l < " + pids + ") -lt 2 ]; do sleep 0.01; done; echo started")
                .build());

        assertThat(result.exitCode()).isZero();
        List<Long> started = Pids.await(pids, 2);
        assertThat(started).noneMatch(Pids::alive);
        assertThat(logs()).extracting(LogLine::message).anyMatch(m -> m.startsWith("killed "));
    }

    @Test
    void cancellationKillsTheTreeAndThrowsCancelled() throws Exception {
        Path pids = dir.resolve("pids");
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                Pids.await(pids, 2);
                ctrl.cancel();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThatThrownBy(() -> run(CommandStep.script(
                                "trap '' TERM; sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait")
                        .build()))
                .isInstanceOf(RunnerException.class)
                .extracting(e -> ((RunnerException) e).code())
                .isEqualTo("cancelled");
        canceller.join();
        assertThat(Pids.await(pids, 2)).noneMatch(Pids::alive);
    }

    @Test
    void anOverlongLineIsCut() {
        run(CommandStep.script("head -c 40000 /dev/zero | tr '\\0' a; echo; echo next")
                .build());
        List<String> out = lines(logs(), "stdout");
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).startsWith("aaaa").endsWith("…[truncated]");
        assertThat(out.get(1)).isEqualTo("next");
    }

    @Test
    void symlinksAreNotCaptured() throws Exception {
        StepResult result = run(CommandStep.script("ln -s /etc/hostname out.txt; echo real > real.txt")
                .output("*.txt")
                .build());
        assertThat(result.artifacts()).extracting(ArtifactRef::key).containsExactly("real.txt");
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingInputFailsWithInputNotFound() {
        assertThatThrownBy(() -> run(CommandStep.argv("true").build(), new InputFile("a.txt", "0".repeat(64), false)))
                .extracting(e -> ((RunnerException) e).code())
                .isEqualTo("input_not_found");
    }
}
