package dev.cairn.runner.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.cell.CellStepOptions;
import dev.cairn.executor.plugin.PluginOptions;
import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CachedResult;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.RunnerException;
import dev.cairn.runner.api.TaskCtx;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.node.RelayControlPlane;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.StoreArtifactSink;
import dev.cairn.runner.node.StoreInputSource;
import dev.cairn.runner.node.TaskScratch;
import dev.cairn.secrets.EnvSecretBroker;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default command executor: cells, workspaces, cache decisions, secrets and plugins, with a real task context. */
class CellCommandExecutorTest {

    static final String TOKEN = "tok-9f8e7d6c5b4a3921";

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private final CellCommandExecutor executor = CellCommandExecutor.create();
    private TaskScratch scratch;
    private RelayControlPlane ctrl;
    private StoreArtifactSink sink;
    private TaskCtx ctx;

    @BeforeEach
    void setUp() {
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

    private String put(String text) {
        return store.put(new ArtifactKind.Output(), text.getBytes(StandardCharsets.UTF_8))
                .value();
    }

    private List<LogLine> logs() {
        List<LogLine> all = new ArrayList<>();
        while (ctrl.hasPending()) {
            all.addAll(ctrl.drain().logs());
        }
        return all;
    }

    private static List<String> lines(List<LogLine> logs, String stream) {
        return logs.stream()
                .filter(l -> l.stream().equals(stream))
                .map(LogLine::message)
                .toList();
    }

    @Test
    void runsInACellAndReportsTheWorkspaceTree() {
        CommandStep step = CommandStep.script("cat in/a.txt; mkdir dist; cp in/a.txt dist/a.txt")
                .output("dist/*")
                .build();
        StepResult result = executor.execute(
                new CommandTask(
                        UUID.randomUUID().toString(),
                        "build",
                        step,
                        List.of(new InputFile("in/a.txt", put("alpha\n"), false))),
                ctx);

        assertThat(result.exitCode()).isZero();
        assertThat(result.committedSnapshot())
                .get()
                .extracting(SnapshotRef::value)
                .asString()
                .startsWith("tree:");
        assertThat(result.artifacts()).containsExactly(new ArtifactRef("dist/a.txt", "text/plain", 6));
        assertThat(sink.outputs())
                .extracting(OutputArtifact::key, OutputArtifact::artifactId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dist/a.txt", put("alpha\n")));
        List<LogLine> logs = logs();
        assertThat(lines(logs, "stdout")).containsExactly("alpha");
        List<JsonNode> cells = lines(logs, CellCommandExecutor.CELL_STREAM).stream()
                .map(l -> Wire.read(l, JsonNode.class))
                .toList();
        assertThat(cells)
                .extracting(n -> n.get("event").asText())
                .containsExactly("created", "started", "exited", "destroyed");
        assertThat(cells).allSatisfy(n -> assertThat(n.get("event")).isEqualTo(n.get("state")));
        assertThat(cells.get(1).get("pid").isNumber()).isTrue();
        assertThat(cells.getFirst().get("cell_id").asText())
                .startsWith("step-" + ctx.task().id());
    }

    @Test
    void aHitServesTheRecordedResultWithoutRunning() {
        StepResult recorded = new StepResult(0, Optional.empty(), List.of(new ArtifactRef("out.txt", "text/plain", 3)));
        SnapshotRef tag = new SnapshotRef("cache:" + "a".repeat(64));
        CommandTask task = new CommandTask(
                UUID.randomUUID().toString(),
                "build",
                CommandStep.script("exit 9").build(),
                List.of(),
                new CacheDecision.Hit(tag),
                Optional.of("a".repeat(64)),
                Optional.of(new CachedResult(new SnapshotRef("tree:" + "b".repeat(64)), recorded)),
                Optional.empty(),
                List.of());

        assertThat(executor.execute(task, ctx)).isEqualTo(recorded);
        List<LogLine> logs = logs();
        assertThat(lines(logs, CellCommandExecutor.CELL_STREAM)).isEmpty();
        assertThat(logs).anySatisfy(l -> assertThat(l.message()).startsWith("cache hit cache:aaaa"));
    }

    @Test
    void aChainedStepStartsFromItsParentsTree() {
        StepResult first = executor.execute(
                new CommandTask(
                        UUID.randomUUID().toString(),
                        "one",
                        CommandStep.script("echo carried > c.txt").build(),
                        List.of()),
                ctx);
        logs();
        CommandTask second = new CommandTask(
                UUID.randomUUID().toString(),
                "two",
                CommandStep.script("cat c.txt").build(),
                List.of(new InputFile("ignored.txt", put("x"), false)),
                new CacheDecision.MissBuildAs(new SnapshotRef("cache:" + "c".repeat(64))),
                Optional.of("c".repeat(64)),
                Optional.empty(),
                first.committedSnapshot(),
                List.of());

        StepResult result = executor.execute(second, ctx);
        assertThat(result.exitCode()).isZero();
        assertThat(lines(logs(), "stdout")).containsExactly("carried");
        assertThat(result.committedSnapshot()).isEqualTo(first.committedSnapshot());
    }

    @Test
    void secretsAreDeliveredToTheCellAndMaskedInTheLog() {
        CellCommandExecutor withSecrets = CellCommandExecutor.create(CellStepOptions.defaults()
                .withSecretBroker(new EnvSecretBroker(
                        Map.of("CAIRN_SECRET_API", TOKEN, "CAIRN_SECRET_KEYFILE", TOKEN + "-key"),
                        "CAIRN_SECRET_",
                        InstantSource.system())));
        CommandTask task = new CommandTask(
                UUID.randomUUID().toString(),
                "deploy",
                CommandStep.script("echo \"token is $API_TOKEN\"; cat \"$CAIRN_SECRETS_DIR/api\"")
                        .build(),
                List.of(),
                null,
                null,
                null,
                null,
                List.of(
                        new SecretMount("API", new SecretMount.Target.Env("API_TOKEN")),
                        new SecretMount("KEYFILE", new SecretMount.Target.File("api"))));
        StepResult result = withSecrets.execute(task, ctx);
        assertThat(result.exitCode()).isZero();
        List<LogLine> logs = logs();
        assertThat(lines(logs, "stdout")).containsExactly("token is ***", "***");
        assertThat(logs).noneMatch(l -> l.message().contains(TOKEN));
    }

    @Test
    void anOutputHoldingASecretFailsTheTaskNamingTheStep() {
        CellCommandExecutor withSecrets = CellCommandExecutor.create(CellStepOptions.defaults()
                .withSecretBroker(new EnvSecretBroker(
                        Map.of("CAIRN_SECRET_API", TOKEN), "CAIRN_SECRET_", InstantSource.system())));
        CommandTask task = new CommandTask(
                UUID.randomUUID().toString(),
                "leaky",
                CommandStep.script("echo \"$API_TOKEN\" > out.txt")
                        .output("out.txt")
                        .build(),
                List.of(),
                null,
                null,
                null,
                null,
                List.of(new SecretMount("API", new SecretMount.Target.Env("API_TOKEN"))));
        assertThatThrownBy(() -> withSecrets.execute(task, ctx)).isInstanceOfSatisfying(RunnerException.class, e -> {
            assertThat(e.code()).isEqualTo("secret_in_output");
            assertThat(e.getMessage()).contains("/leaky").contains("out.txt").doesNotContain(TOKEN);
        });
        assertThat(sink.outputs()).isEmpty();
    }

    @Test
    void aRegisteredPluginServesItsCapability() {
        Path plugin = Path.of("../examples/plugins/cairn_demo_executor.py")
                .toAbsolutePath()
                .normalize();
        RunnerRegistry registry = RunnerRegistry.builder()
                .plugin(PluginOptions.of("/executors/python-demo/v1", List.of("python3", plugin.toString())))
                .build();
        Runner runner = registry.find("/executors/python-demo/v1").orElseThrow();
        CommandTask task = new CommandTask(
                UUID.randomUUID().toString(),
                "py",
                CommandStep.script("cat greeting.txt; exit 5").build(),
                List.of(new InputFile("greeting.txt", put("hi from the archive\n"), false)));
        StepResult result = ((CommandRunner) runner).executor().execute(task, ctx);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(lines(logs(), "stderr")).contains("hi from the archive");
    }
}
