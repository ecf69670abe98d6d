package dev.cairn.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.cell.CellStepExecutor;
import dev.cairn.executor.cell.CellStepOptions;
import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.executor.protocol.SnapshotRef;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.secrets.EnvSecretBroker;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellStepExecutorTest {

    static final String TOKEN = "s3cr3t-T0ken-4f9a1c7e2b";

    static CellStepExecutor executor;
    static EnvSecretBroker broker;
    static Path root;

    @TempDir
    Path tmp;

    FsArtifactStore store;
    Workspaces workspaces;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("cairn-executor-test");
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        broker = new EnvSecretBroker(Map.of("CAIRN_SECRET_TOKEN", TOKEN), "CAIRN_SECRET_", InstantSource.system());
        executor = CellStepExecutor.create(
                CellStepOptions.defaults().withWorkRoot(root.resolve("steps")).withSecretBroker(broker));
    }

    @AfterAll
    static void stop() {
        executor.close();
    }

    @BeforeEach
    void open() {
        store = FsArtifactStore.open(tmp.resolve("store"));
        workspaces = Workspaces.open(store);
    }

    TestHost host(Map<String, String> files) {
        var builder = workspaces.treeBuilder();
        for (var e : new TreeMap<>(files).entrySet()) {
            byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
            var id = store.put(new ArtifactKind.Output(), bytes);
            builder.file(e.getKey(), dev.cairn.workspace.FileMode.REGULAR, bytes.length, id);
        }
        return new TestHost(workspaces, builder.build());
    }

    static ExecutorInput input(CommandStep step, TestHost host) {
        return input(step, host, Optional.empty());
    }

    static ExecutorInput input(CommandStep step, TestHost host, Optional<SnapshotRef> parent) {
        return new ExecutorInput(
                step,
                host.archive,
                step.env(),
                step.workdir(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                new CacheDecision.MissNoCommit(),
                parent);
    }

    @Test
    void runs_a_step_in_a_sandbox_and_snapshots_its_workspace() {
        TestHost host = host(Map.of("src/in.txt", "hello\n"));
        CommandStep step = CommandStep.script(
                        "cat src/in.txt; mkdir -p out; tr a-z A-Z < src/in.txt > out/up.txt; echo oops >&2")
                .output("out/*.txt")
                .build();

        StepResult result = executor.execute(input(step, host), host);

        assertThat(result.exitCode()).isZero();
        assertThat(result.artifacts()).containsExactly(new ArtifactRef("out/up.txt", "text/plain", 6));
        assertThat(new String(host.outputs.get("out/up.txt"), StandardCharsets.UTF_8))
                .isEqualTo("HELLO\n");
        assertThat(host.stream("stdout")).containsExactly("hello");
        assertThat(host.stream("stderr")).containsExactly("oops");
        assertThat(result.committedSnapshot()).isPresent();
        TreeId tree = ((SnapshotRefs.Target.Tree)
                        SnapshotRefs.parse(result.committedSnapshot().get()))
                .tree();
        assertThat(workspaces.diff(host.tree, tree))
                .extracting(Object::toString)
                .containsExactly("A out", "A out/up.txt");
        assertThat(host.events)
                .extracting(CellEvent::state)
                .containsExactly("created", "started", "exited", "destroyed");
        assertThat(host.events.getFirst().profile())
                .isEqualTo(executor.runtime().sandboxStatus().available() ? "sandbox" : "process");
        assertThat(host.stream("runner"))
                .anySatisfy(
                        l -> assertThat(l).contains("torn down: destroyed=true").contains("peers_tracked_after=0"));
        assertThat(root.resolve("steps")).isEmptyDirectory();
    }

    @Test
    void a_hit_is_never_executed() {
        TestHost host = host(Map.of());
        ExecutorInput in = input(CommandStep.script("exit 1").build(), host);
        ExecutorInput hit = new ExecutorInput(
                in.step(),
                in.workspaceArchiveId(),
                in.env(),
                in.workdir(),
                in.runId(),
                in.stepId(),
                new CacheDecision.Hit(new SnapshotRef("cache:" + "a".repeat(64))),
                Optional.empty());
        assertThatThrownBy(() -> executor.execute(hit, host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("cache_hit_not_executed"));
        assertThat(host.events).isEmpty();
    }

    @Test
    void a_failing_command_is_a_result_without_snapshot() {
        TestHost host = host(Map.of());
        StepResult result = executor.execute(input(CommandStep.script("exit 3").build(), host), host);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.committedSnapshot()).isEmpty();
        assertThat(result.artifacts()).isEmpty();
    }

    @Test
    void a_chained_step_starts_from_its_parent_snapshot() {
        TestHost first = host(Map.of("a.txt", "one\n"));
        StepResult r1 =
                executor.execute(input(CommandStep.script("echo two > b.txt").build(), first), first);
        TestHost second = host(Map.of("unrelated.txt", "x\n"));
        StepResult r2 = executor.execute(
                input(
                        CommandStep.script("cat a.txt b.txt; test ! -e unrelated.txt")
                                .build(),
                        second,
                        r1.committedSnapshot()),
                second);
        assertThat(r2.exitCode()).isZero();
        assertThat(second.stream("stdout")).containsExactly("one", "two");
    }

    @Test
    void secrets_reach_the_cell_only_and_are_masked_in_its_output() {
        TestHost host = host(Map.of());
        host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.Env("API_TOKEN")));
        host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.File("token")));
        CommandStep step = CommandStep.script(
                        "echo \"env=$API_TOKEN\"; echo \"b64=$(printf %s \"$API_TOKEN\" | base64)\";"
                                + " echo \"file=$(cat \"$CAIRN_SECRETS_DIR/token\")\"")
                .build();

        StepResult result = executor.execute(input(step, host), host);

        assertThat(result.exitCode()).isZero();
        assertThat(host.stream("stdout")).containsExactly("env=***", "b64=***", "file=***");
        assertThat(broker.cells()).as("revoked at teardown").isEmpty();
        assertThat(host.events.getLast().state()).isEqualTo("destroyed");
        String all = host.allText();
        assertThat(all)
                .doesNotContain(TOKEN)
                .doesNotContain(Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void an_output_holding_a_secret_is_refused_and_not_stored() {
        TestHost host = host(Map.of());
        host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.Env("API_TOKEN")));
        CommandStep step = CommandStep.script("printf '%s' \"$API_TOKEN\" | base64 > leak.txt")
                .output("*.txt")
                .build();
        long before = countBlobs();

        assertThatThrownBy(() -> executor.execute(input(step, host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("secret_in_output");
                    assertThat(e.getMessage())
                            .contains("test/step")
                            .contains("leak.txt")
                            .doesNotContain(TOKEN);
                });
        assertThat(host.outputs).isEmpty();
        assertThat(countBlobs()).isEqualTo(before);
    }

    @Test
    void a_workspace_file_holding_a_secret_is_refused() {
        TestHost host = host(Map.of());
        host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.Env("API_TOKEN")));
        CommandStep step = CommandStep.script("echo \"$API_TOKEN\" > .netrc").build();
        assertThatThrownBy(() -> executor.execute(input(step, host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("secret_in_workspace"));
    }

    @Test
    void declared_secrets_need_a_broker() {
        try (CellStepExecutor bare = CellStepExecutor.create(
                executor.runtime(), CellStepOptions.defaults().withWorkRoot(root.resolve("bare")))) {
            TestHost host = host(Map.of());
            host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.Env("API_TOKEN")));
            assertThatThrownBy(
                            () -> bare.execute(input(CommandStep.script("true").build(), host), host))
                    .isInstanceOfSatisfying(
                            ExecutorException.class, e -> assertThat(e.code()).isEqualTo("secrets_unavailable"));
        }
    }

    @Test
    void a_step_asking_for_inference_on_a_runner_without_it_is_refused() {
        TestHost host = host(Map.of());
        CommandStep step = CommandStep.script("true")
                .inference(dev.cairn.executor.protocol.InferenceGrant.DEFAULT)
                .build();
        assertThatThrownBy(() -> executor.execute(input(step, host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("inference_unavailable");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.hint()).contains("remote workers");
                });
    }

    @Test
    void a_step_asking_for_inference_gets_its_cells_endpoint_granted_and_its_token_masked() throws Exception {
        // a real loopback HTTP server standing in for the cell's endpoint (cairn-node uses cairn-inference's)
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        java.util.List<String> auth = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
                byte[] body = "{\"answer\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        String token = "cell-token-5f0c2a9e7d3b1148";
        java.util.List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        String grant = "127.0.0.1:" + server.getAddress().getPort();
        dev.cairn.executor.cell.CellInference port = (cellId, runId, maxTokens) -> {
            opened.add(cellId + " " + runId + " " + maxTokens.orElseThrow());
            return new dev.cairn.executor.cell.CellInference.Session() {
                @Override
                public String grant() {
                    return grant;
                }

                @Override
                public Map<String, String> environment() {
                    return Map.of("OPENAI_BASE_URL", "http://" + grant + "/v1", "OPENAI_API_KEY", token);
                }

                @Override
                public String token() {
                    return token;
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
        };
        try (CellStepExecutor withInference = CellStepExecutor.create(
                executor.runtime(),
                CellStepOptions.defaults().withWorkRoot(root.resolve("infer")).withInference(port))) {
            TestHost host = host(Map.of());
            CommandStep step = CommandStep.script("curl -sS -H \"Authorization: Bearer $OPENAI_API_KEY\""
                            + " -d '{}' \"$OPENAI_BASE_URL/chat/completions\"; echo; echo token=$OPENAI_API_KEY")
                    .inference(dev.cairn.executor.protocol.InferenceGrant.maxTokens(64))
                    .build();
            ExecutorInput input = input(step, host);
            StepResult result = withInference.execute(input, host);
            assertThat(result.exitCode()).as(host.lines.toString()).isZero();
            assertThat(opened)
                    .singleElement()
                    .satisfies(o -> assertThat(o).startsWith("step-").endsWith(" " + input.runId() + " 64"));
            assertThat(auth).containsExactly("Bearer " + token);
            String log = host.lines.toString();
            assertThat(log).contains("pong").contains("token=***").doesNotContain(token);
            assertThat(closed).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void a_timeout_tears_the_cell_down() {
        TestHost host = host(Map.of());
        CommandStep step =
                CommandStep.script("sleep 30").timeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> executor.execute(input(step, host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("command_timeout");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(host.events).extracting(CellEvent::state).endsWith("exited", "destroyed");
        assertThat(executor.runtime().tracked()).isZero();
    }

    @Test
    void cancellation_tears_the_cell_down() {
        TestHost host = host(Map.of());
        CommandStep step = CommandStep.script("echo started; sleep 30").build();
        Thread.ofVirtual().start(() -> {
            while (host.stream("stdout").isEmpty()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
            host.cancelled.set(true);
        });
        assertThatThrownBy(() -> executor.execute(input(step, host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("cancelled"));
        assertThat(host.events).extracting(CellEvent::state).endsWith("destroyed");
        assertThat(executor.runtime().tracked()).isZero();
    }

    @Test
    void without_a_working_sandbox_the_step_falls_back_and_says_why() {
        try (var broken = dev.cairn.cells.CellRuntime.create(dev.cairn.cells.CellRuntimeOptions.builder()
                        .bwrap(Path.of("/nonexistent/bwrap"))
                        .build());
                CellStepExecutor fallback = CellStepExecutor.create(
                        broken, CellStepOptions.defaults().withWorkRoot(root.resolve("fallback")));
                CellStepExecutor strict = CellStepExecutor.create(
                        broken,
                        CellStepOptions.defaults()
                                .withWorkRoot(root.resolve("strict"))
                                .withRequireSandbox(true))) {
            TestHost host = host(Map.of());
            StepResult result =
                    fallback.execute(input(CommandStep.script("echo ran").build(), host), host);
            assertThat(result.exitCode()).isZero();
            assertThat(host.lines).anySatisfy(l -> {
                assertThat(l.level()).isEqualTo("warn");
                assertThat(l.message())
                        .startsWith("sandbox unavailable (bwrap is not installed")
                        .endsWith("; running the step as a host process");
            });
            assertThat(host.events.getFirst().profile()).isEqualTo("process");
            assertThat(host.events.getFirst().fallbackReason()).get().asString().contains("bwrap");

            TestHost again = host(Map.of());
            assertThatThrownBy(() ->
                            strict.execute(input(CommandStep.script("echo ran").build(), again), again))
                    .isInstanceOfSatisfying(ExecutorException.class, e -> {
                        assertThat(e.code()).isEqualTo("sandbox_unavailable");
                        assertThat(e.getMessage()).contains("bwrap");
                    });
            assertThat(again.stream("stdout")).isEmpty();
        }
    }

    @Test
    void the_process_profile_runs_on_the_host() {
        TestHost host = host(Map.of());
        CommandStep step = CommandStep.script("echo $CAIRN_STEP_ID")
                .cell(CellProfile.PROCESS)
                .build();
        ExecutorInput in = input(step, host);
        StepResult result = executor.execute(in, host);
        assertThat(result.exitCode()).isZero();
        assertThat(host.stream("stdout")).containsExactly(in.stepId().toString());
        assertThat(host.events.getFirst().profile()).isEqualTo("process");
    }

    long countBlobs() {
        try (var files = Files.walk(tmp.resolve("store"))) {
            return files.filter(Files::isRegularFile).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
