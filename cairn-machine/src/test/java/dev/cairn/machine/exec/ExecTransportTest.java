package dev.cairn.machine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec transport against real processes. */
class ExecTransportTest {

    static final IoCallContext CONTEXT =
            new IoCallContext(new RunId(new UUID(2, 2)), new StateId("m.s.exec"), 0, Optional.empty(), List.of());

    final ExecTransport exec = new ExecTransport();

    @TempDir
    Path dir;

    ExecResponse run(Object request) {
        JsonNode tree = request instanceof JsonNode node ? node : Wire.toTree(request);
        JsonNode response = exec.call(new IoCall(ExecTransport.NAMESPACE, tree, Optional.empty()), CONTEXT);
        return Wire.fromTree(response, ExecResponse.class);
    }

    static ExecRequest request(
            List<String> argv, Map<String, String> env, String cwd, String stdin, Long timeoutMs, Integer max) {
        return new ExecRequest(
                argv,
                env,
                Optional.empty(),
                Optional.ofNullable(cwd),
                Optional.ofNullable(stdin),
                Optional.ofNullable(timeoutMs),
                Optional.ofNullable(max));
    }

    @Test
    void capturesExitCodeStdoutAndStderr() {
        ExecResponse r = run(ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3"));

        assertThat(r).isEqualTo(new ExecResponse(3, "out\n", "err\n", false, false, 4, 4));
    }

    @Test
    void passesStdinArgvEnvAndCwd() throws Exception {
        Files.writeString(dir.resolve("marker"), "x");

        ExecResponse r = run(request(
                List.of("sh", "-c", "cat; echo \"[$FOO][${HOME:-unset}]\"; ls", "ignored-arg0"),
                Map.of("FOO", "bar baz", "PATH", "/usr/bin:/bin"),
                dir.toString(),
                "from stdin\n",
                null,
                null));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("from stdin\n[bar baz][unset]\nmarker\n");
    }

    @Test
    void boundsOutputAndFlagsTruncation() {
        ExecResponse r = run(request(List.of("head", "-c", "5000", "/dev/zero"), Map.of(), null, null, null, 100));

        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdoutBytes()).isEqualTo(5000);
        assertThat(r.stdout()).hasSize(100);
        assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        String script = "sleep 300 & echo $! > " + pids + "; sh -c 'sleep 300' & echo $! >> " + pids + "; wait";

        assertThatThrownBy(() -> run(request(List.of("sh", "-c", script), Map.of(), null, null, 500L, null)))
                .isInstanceOfSatisfying(IoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExecCodes.EXEC_TIMEOUT);
                    assertThat(e.getMessage()).contains("500 ms");
                });

        List<Long> descendants =
                Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(descendants).hasSize(2);
        for (long pid : descendants) {
            assertThat(gone(pid)).as("process %d is gone", pid).isTrue();
        }
    }

    @Test
    void processesLeftBehindByAProgramThatExitedAreKilledToo() throws Exception {
        ExecResponse r = run(ExecRequest.of("sh", "-c", "sleep 300 & echo $!"));

        long pid = Long.parseLong(r.stdout().trim());
        assertThat(r.exitCode()).isZero();
        assertThat(gone(pid)).isTrue();
    }

    @Test
    void interruptingTheCallerKillsTheTreeAndFailsWithInterrupted() throws Exception {
        Path pids = dir.resolve("pid");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                run(ExecRequest.of("sh", "-c", "echo $$ > " + pids + "; sleep 300"));
            } catch (Throwable t) {
                failure.set(t);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(Files.exists(pids) && Files.size(pids) > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));

        assertThat(failure.get()).isInstanceOfSatisfying(IoException.class, e -> assertThat(e.code())
                .isEqualTo("interrupted"));
        assertThat(flag.get()).isTrue();
        assertThat(gone(Long.parseLong(Files.readString(pids).trim()))).isTrue();
    }

    @Test
    void badRequestsAreTypedErrorsNamingTheField() {
        ObjectNode unknownField = JsonNodeFactory.instance.objectNode();
        unknownField.putArray("argv").add("true");
        unknownField.put("shell", true);
        ObjectNode noArgv = JsonNodeFactory.instance.objectNode().put("cwd", "/");
        ObjectNode emptyArgv = JsonNodeFactory.instance.objectNode();
        emptyArgv.putArray("argv");
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.putArray("argv").add("true");
        env.putObject("env").put("SECRET_TOKEN", 5);

        assertInvalid(unknownField, "/shell");
        assertInvalid(noArgv, "/argv");
        assertInvalid(emptyArgv, "argv");
        assertInvalid(env, "/env/SECRET_TOKEN");
    }

    private void assertInvalid(JsonNode request, String mentions) {
        assertThatThrownBy(() -> run(request)).isInstanceOfSatisfying(IoException.class, e -> {
            assertThat(e.code()).isEqualTo(ExecCodes.EXEC_REQUEST_INVALID);
            assertThat(e.getMessage()).contains(mentions);
        });
    }

    @Test
    void aMissingProgramOrDirectoryIsSaidPlainly() {
        assertThatThrownBy(() -> run(ExecRequest.of("no-such-program-cairn")))
                .isInstanceOfSatisfying(IoException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExecCodes.EXEC_PROGRAM_NOT_FOUND);
                    assertThat(e.getMessage())
                            .contains("`no-such-program-cairn`")
                            .contains("not on PATH");
                });
        assertThatThrownBy(() -> run(ExecRequest.of("/no/such/program")))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo(ExecCodes.EXEC_PROGRAM_NOT_FOUND));
        assertThatThrownBy(() -> run(
                        request(List.of("true"), Map.of(), dir.resolve("nope").toString(), null, null, null)))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo(ExecCodes.EXEC_CWD_INVALID));
    }

    /** Whether {@code pid} has exited (waiting up to 10 s for the kill to be delivered and reaped). */
    static boolean gone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive() || zombie(pid)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
