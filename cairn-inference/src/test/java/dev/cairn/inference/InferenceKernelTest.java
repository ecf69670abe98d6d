package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.ReplayReport;
import dev.cairn.machine.runtime.StartRuns;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.secrets.DirectorySecretBroker;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The {@code inference} IO namespace in the kernel, on the embedded stores as users run them (SQLite
 * events and budgets in one database, filesystem artifacts) and a real endpoint on loopback: a run
 * records each call as a fact, and its replay answers from the facts without a single request.
 */
class InferenceKernelTest {

    @TempDir
    Path dir;

    FakeChatServer server;
    SqliteDatabase db;
    FsArtifactStore artifacts;
    Stores stores;
    SqliteTokenBudgets budgets;
    OpenAiCompatibleBroker broker;

    static final String KEY = "sk-kernel-test-key-5f0e4c1d9a";

    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeChatServer().requireKey(KEY);
        Path secretDir = Files.createDirectory(dir.resolve("secrets"));
        Path file = secretDir.resolve("LLM_KEY");
        Files.writeString(file, KEY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        var secrets = new DirectorySecretBroker(secretDir, InstantSource.system());
        Logger logger = (Logger) LoggerFactory.getLogger("dev.cairn");
        logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // captured, not printed
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("events.db"))
                .migrationModule(SqliteTokenBudgets.MIGRATION_MODULE)
                .build());
        artifacts = FsArtifactStore.open(dir.resolve("artifacts"));
        stores = new Stores(new SqliteEventStore(db), artifacts);
        budgets = SqliteTokenBudgets.open(db, () -> 0L, 1_000);
        broker = new OpenAiCompatibleBroker(
                OpenAiOptions.builder(server.baseUri(), "m")
                        .apiKey(secrets, "LLM_KEY")
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                        .build(),
                d -> {},
                () -> 0L);
    }

    @AfterEach
    void tearDown() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.cairn");
        logger.detachAppender(logs);
        logger.setLevel(null);
        logger.setAdditive(true);
        broker.close();
        artifacts.close();
        db.close();
        server.close();
    }

    static final InferenceRequest SUMMARY =
            new InferenceRequest("cell-7", "summarize the quarter", 50, Optional.empty());
    static final InferenceRequest TITLE = new InferenceRequest("cell-7", "give it a title", 20, Optional.of("tiny"));

    static ExecutionPlan plan() {
        return Plan.builder("report")
                .readOnly("summarize", ctx -> {
                    InferenceResponse r = InferenceIo.infer(ctx.io(), new FactKey("inference:summary"), SUMMARY);
                    ctx.put("summary", r.content());
                    ctx.put("spent", r.inputTokens() + r.outputTokens());
                })
                .readOnly(
                        "title",
                        ctx -> ctx.put(
                                "title",
                                InferenceIo.infer(ctx.io(), new FactKey("inference:title"), TITLE)
                                        .content()))
                .needs("summarize")
                .build();
    }

    Engine engine(ExecutionPlan plan) {
        return Engine.builder()
                .planResolver(manifest -> plan)
                .transports(IoTransportRegistry.builder()
                        .register(InferenceTransport.NAMESPACE, new InferenceTransport(broker, budgets))
                        .build())
                .build();
    }

    @Test
    void aRunRecordsEachCallAsAFactAndItsReplayCostsNoTokens() throws IOException {
        ExecutionPlan plan = plan();
        Engine engine = engine(plan);

        RunResult run = engine.start(stores, StartRuns.of(plan).build());

        assertThat(run.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(server.requests()).isEqualTo(2);
        String runId = run.runId().toString();
        // charged to the kernel's run, attributed to the cell
        assertThat(budgets.state(runId)).contains(BudgetState.of(runId, 1_000, 3 + 5 + 4 + 5, 0));
        assertThat(budgets.calls(runId)).extracting(InferenceCall::cellId).containsExactly("cell-7", "cell-7");
        // the facts hold request and response
        List<FactRecorded> facts = facts(run.runId());
        assertThat(facts).extracting(f -> f.key().value()).containsExactly("inference:summary", "inference:title");
        assertThat(facts.getFirst().meta().get("namespace").asText()).isEqualTo("inference");
        InferenceExchange recorded = Wire.read(artifacts.get(facts.getFirst().payloadId()), InferenceExchange.class);
        assertThat(recorded.request()).isEqualTo(SUMMARY);
        assertThat(recorded.response())
                .isEqualTo(new InferenceResponse("echo: summarize the quarter", "m-served", 3, 5));
        assertThat(server.seen().get(1).body().get("model").asText()).isEqualTo("tiny");

        int before = server.requests();
        ReplayReport replay = engine.replay(stores, run.runId());

        assertThat(replay.verified()).isTrue();
        assertThat(replay.result().phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(replay.result().finalSnapshotId()).isEqualTo(run.finalSnapshotId());
        assertThat(server.requests())
                .as("the endpoint saw no request during the replay")
                .isEqualTo(before);
        assertThat(budgets.state(replay.replayRunId().toString()))
                .as("the replay spent nothing")
                .isEmpty();
        assertThat(budgets.state(runId)).contains(BudgetState.of(runId, 1_000, 17, 0));

        // the key went to the endpoint, and nowhere else: not in a log line, not in a persisted byte
        assertThat(server.seen())
                .allSatisfy(seen -> assertThat(seen.header("Authorization")).isEqualTo("Bearer " + KEY));
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list)
                .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(KEY));
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> persisted = files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(dir.resolve("secrets")))
                    .toList();
            assertThat(persisted)
                    .anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("events.db"));
            for (Path p : persisted) {
                assertThat(indexOf(Files.readAllBytes(p), key)).as(p.toString()).isEqualTo(-1);
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aRunBeyondItsBudgetFailsBeforeTheCallLeavesWithTheBudgetInTheError() {
        ExecutionPlan plan = Plan.builder("big")
                .readOnly(
                        "ask",
                        ctx -> InferenceIo.infer(
                                ctx.io(),
                                new FactKey("inference:big"),
                                new InferenceRequest("cell-9", "p", 5_000, Optional.empty())))
                .build();
        Engine engine = engine(plan);

        RunResult run = engine.start(stores, StartRuns.of(plan).build());

        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(server.requests()).isZero();
        KernelEvent.StateFailed failed = events(run.runId()).stream()
                .map(EventEnvelope::event)
                .filter(e -> e instanceof Event.Kernel k && k.event() instanceof KernelEvent.StateFailed)
                .map(e -> (KernelEvent.StateFailed) ((Event.Kernel) e).event())
                .findFirst()
                .orElseThrow();
        String error = Wire.write(failed.error());
        assertThat(error)
                .contains("\"inference_broker\"")
                .contains("\"reason\":\"budget_exhausted\"")
                .contains("\"limit\":1000")
                .contains("\"remaining\":1000")
                .contains("\"requested\":5000")
                .contains("\"cell_id\":\"cell-9\"");
    }

    @Test
    void anEndpointThatKeepsRateLimitingFailsTheStateRetryablyAndReleasesTheReservation() {
        server.thenStatus(429, 1, "3600");
        ExecutionPlan plan = Plan.builder("limited")
                .readOnly("ask", ctx -> InferenceIo.infer(ctx.io(), new FactKey("inference:q"), SUMMARY))
                .build();

        RunResult run = engine(plan).start(stores, StartRuns.of(plan).build());

        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        String log = Wire.write(events(run.runId()));
        assertThat(log)
                .contains("\"code\":\"inference_broker\",\"category\":\"Rpc\",\"retryable\":true")
                .contains("\"reason\":\"rate_limited\"")
                .contains("\"retry_after_ms\":3600000");
        String runId = run.runId().toString();
        assertThat(budgets.state(runId)).contains(BudgetState.of(runId, 1_000, 0, 0));
        assertThat(facts(run.runId())).isEmpty();
    }

    @Test
    void aReplayWhosePlanAsksAnotherQuestionIsRefused() {
        ExecutionPlan original = plan();
        RunResult run = engine(original).start(stores, StartRuns.of(original).build());
        ExecutionPlan changed = Plan.builder("report")
                .readOnly(
                        "summarize",
                        ctx -> InferenceIo.infer(
                                ctx.io(),
                                new FactKey("inference:summary"),
                                new InferenceRequest("cell-7", "summarize the year", 50, Optional.empty())))
                .readOnly("title", ctx -> {})
                .needs("summarize")
                .build();
        int before = server.requests();

        ReplayReport replay = engine(changed).replay(stores, run.runId());

        assertThat(replay.verified()).isFalse();
        assertThat(replay.result().phase()).isEqualTo(RunPhase.FAILED);
        assertThat(server.requests()).isEqualTo(before);
        assertThat(events(replay.replayRunId()).toString()).contains(InferenceIo.CODE_FACT_MISMATCH);
    }

    @Test
    void aRequestThatIsNotAnInferenceRequestIsRefusedNamingTheField() {
        ExecutionPlan plan = Plan.builder("bad")
                .readOnly("ask", ctx -> ctx.io()
                        .call(new dev.cairn.machine.io.IoCall(
                                InferenceTransport.NAMESPACE,
                                Wire.toTree(java.util.Map.of("cellId", "c", "prompt", "p", "maxTokens", "many")),
                                Optional.of(new FactKey("x")))))
                .build();
        RunResult run = engine(plan).start(stores, StartRuns.of(plan).build());

        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(events(run.runId()).toString())
                .contains(InferenceTransport.CODE_REQUEST_INVALID)
                .contains("/maxTokens");
        assertThat(server.requests()).isZero();
    }

    List<EventEnvelope> events(RunId runId) {
        return stores.events().readRange(runId, 1, Optional.empty());
    }

    List<FactRecorded> facts(RunId runId) {
        return events(runId).stream()
                .map(EventEnvelope::event)
                .filter(e ->
                        e instanceof Event.Domain d && d.event().name().equals(DomainEvent.DOMAIN_EVENT_FACT_RECORDED))
                .map(e -> Wire.fromTree(((Event.Domain) e).event().payload(), FactRecorded.class))
                .toList();
    }
}
