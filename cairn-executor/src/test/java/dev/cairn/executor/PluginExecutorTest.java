package dev.cairn.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.archive.TreeArchive;
import dev.cairn.executor.plugin.PluginExecutor;
import dev.cairn.executor.plugin.PluginOptions;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.workspace.FileMode;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Python plugin and deliberately broken programs, over the real line protocol. */
class PluginExecutorTest {

    static final Path PLUGIN = Path.of("../examples/plugins/cairn_demo_executor.py")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path tmp;

    FsArtifactStore store;
    Workspaces workspaces;
    byte[] big;

    @BeforeEach
    void open() throws Exception {
        store = FsArtifactStore.open(tmp.resolve("store"));
        workspaces = Workspaces.open(store);
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        big = new byte[2_500_000];
        new Random(seed).nextBytes(big);
    }

    TestHost host() throws Exception {
        byte[] hello = "hello plugin\n".getBytes(StandardCharsets.UTF_8);
        TreeId tree = workspaces
                .treeBuilder()
                .file("in.txt", FileMode.REGULAR, hello.length, store.put(new ArtifactKind.Output(), hello))
                .file("sub/big.bin", FileMode.REGULAR, big.length, store.put(new ArtifactKind.Output(), big))
                .file(
                        "sub/" + "long-name-".repeat(12) + ".txt",
                        FileMode.EXECUTABLE,
                        hello.length,
                        store.put(new ArtifactKind.Output(), hello))
                .symlink("link", "in.txt")
                .build();
        TestHost host = new TestHost(workspaces, tree) {
            @Override
            public Optional<TreeId> archiveTree(dev.cairn.executor.protocol.ArchiveId id) {
                return Optional.empty();
            }
        };
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        TreeArchive.write(store, tree, archive);
        host.archiveBytes = archive.toByteArray();
        return host;
    }

    static ExecutorInput input(CommandStep step, TestHost host) {
        return new ExecutorInput(
                step,
                host.archive,
                step.env(),
                step.workdir(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                new CacheDecision.MissNoCommit(),
                Optional.empty());
    }

    static PluginExecutor python() {
        return new PluginExecutor(PluginOptions.of("/executors/python-demo/v1", List.of("python3", PLUGIN.toString())));
    }

    static PluginExecutor shell(String script) {
        return new PluginExecutor(PluginOptions.of("/executors/broken/v1", List.of("/bin/sh", "-c", script)));
    }

    @Test
    void the_python_plugin_reads_the_archive_and_runs_the_step() throws Exception {
        TestHost host = host();
        CommandStep step = CommandStep.script(
                        "cat in.txt; cat link; sha256sum sub/big.bin; test -x sub/long-name-*.txt;"
                                + " echo \"x=$X\"; exit 4")
                .env("X", "42")
                .build();

        StepResult result = python().execute(input(step, host), host);

        assertThat(result.exitCode()).isEqualTo(4);
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
        assertThat(host.stream("stderr"))
                .contains("hello plugin", sha + "  sub/big.bin", "x=42")
                .anySatisfy(l -> assertThat(l).startsWith("workspace: " + host.archiveBytes.length + " bytes"));
    }

    @Test
    void the_python_plugin_answers_cancel_with_cancelled() throws Exception {
        TestHost host = host();
        Thread.ofVirtual().start(() -> {
            while (host.stream("stderr").stream().noneMatch(l -> l.equals("started"))) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
            host.cancelled.set(true);
        });
        assertThatThrownBy(() -> python().execute(
                                input(
                                        CommandStep.script("echo started; sleep 30")
                                                .build(),
                                        host),
                                host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("cancelled"));
    }

    @Test
    void an_archive_error_reaches_the_plugin() throws Exception {
        TestHost host = new TestHost(workspaces, host().tree) {
            @Override
            public dev.cairn.executor.protocol.ArchiveReadResponse archiveRead(
                    dev.cairn.executor.protocol.ArchiveReadRequest request) {
                throw new ExecutorException("unknown_archive", "no such archive", false, "", null);
            }
        };
        assertThatThrownBy(
                        () -> python().execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("workspace_unavailable");
                    assertThat(e.getMessage()).contains("unknown_archive");
                });
    }

    @Test
    void garbage_output_is_a_protocol_violation() throws Exception {
        TestHost host = host();
        assertThatThrownBy(() -> shell("read x; echo 'hello, I am not JSON'; sleep 30")
                        .execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("plugin_protocol_violation");
                    assertThat(e.getMessage()).contains("line 1").contains("hello, I am not JSON");
                });
    }

    @Test
    void an_unknown_message_type_is_a_protocol_violation() throws Exception {
        TestHost host = host();
        assertThatThrownBy(() -> shell("read x; echo '{\"type\":\"hello\"}'")
                        .execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("plugin_protocol_violation"));
    }

    @Test
    void an_early_exit_is_reported_with_status_and_stderr() throws Exception {
        TestHost host = host();
        assertThatThrownBy(() -> shell("read x; echo 'no GPU here' >&2; exit 3")
                        .execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("plugin_exited");
                    assertThat(e.getMessage()).contains("exit status 3").contains("no GPU here");
                });
    }

    @Test
    void an_oversized_line_is_refused() throws Exception {
        TestHost host = host();
        PluginExecutor chatty = new PluginExecutor(PluginOptions.of(
                        "/executors/chatty/v1",
                        List.of(
                                "python3",
                                "-c",
                                "import sys; sys.stdin.readline(); print('x' * 100000); "
                                        + "import time; time.sleep(30)"))
                .withMaxLineBytes(4096));
        assertThatThrownBy(() -> chatty.execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("plugin_line_too_long"));
    }

    @Test
    void a_plugin_failure_keeps_its_code_and_retryability() throws Exception {
        TestHost host = host();
        assertThatThrownBy(() -> shell(
                                "read x; echo '{\"type\":\"failed\",\"code\":\"no_gpu\",\"message\":\"none here\",\"retryable\":true}'")
                        .execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("no_gpu");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("none here");
                });
    }

    @Test
    void a_program_that_cannot_start_is_a_typed_failure() throws Exception {
        TestHost host = host();
        PluginExecutor missing =
                new PluginExecutor(PluginOptions.of("/executors/missing/v1", List.of("/nonexistent/executor")));
        assertThatThrownBy(
                        () -> missing.execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("plugin_start_failed"));
    }

    @Test
    void steps_with_secrets_are_refused() throws Exception {
        TestHost host = host();
        host.secrets.add(new SecretMount("TOKEN", new SecretMount.Target.Env("TOKEN")));
        assertThatThrownBy(
                        () -> python().execute(input(CommandStep.script("true").build(), host), host))
                .isInstanceOfSatisfying(
                        ExecutorException.class, e -> assertThat(e.code()).isEqualTo("secrets_unsupported"));
    }

    @Test
    void registrationFilesDescribePlugins() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Files.writeString(
                dir.resolve("b.json"),
                "{\"capability\":\"/executors/b/v1\",\"command\":[\"python3\",\"b.py\"],"
                        + "\"env\":{\"PATH\":\"/bin\"},\"cancel_grace_ms\":250}");
        Files.writeString(dir.resolve("a.json"), "{\"capability\":\"/executors/a/v1\",\"command\":[\"a\"]}");
        List<PluginOptions> loaded = dev.cairn.executor.plugin.PluginRegistration.loadAll(dir);
        assertThat(loaded).extracting(PluginOptions::capability).containsExactly("/executors/a/v1", "/executors/b/v1");
        assertThat(loaded.get(1).env()).containsExactly(java.util.Map.entry("PATH", "/bin"));
        assertThat(loaded.get(1).cancelGrace()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(loaded.get(0).env()).containsKeys("PATH", "LANG");

        Files.writeString(
                dir.resolve("c.json"), "{\"capability\":\"/executors/c/v1\",\"command\":[\"c\"],\"image\":\"x\"}");
        assertThatThrownBy(() -> dev.cairn.executor.plugin.PluginRegistration.loadAll(dir))
                .isInstanceOfSatisfying(ExecutorException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_plugin_registration");
                    assertThat(e.getMessage()).contains("c.json");
                });
    }

    @Test
    void the_archive_is_a_tar_that_tar_reads() throws Exception {
        TestHost host = host();
        Path file = tmp.resolve("a.tar");
        Files.write(file, host.archiveBytes);
        Process p = new ProcessBuilder("tar", "-tvf", file.toString())
                .redirectErrorStream(true)
                .start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(listing).contains("in.txt", "sub/big.bin", "link -> in.txt", "long-name-long-name-");
    }
}
