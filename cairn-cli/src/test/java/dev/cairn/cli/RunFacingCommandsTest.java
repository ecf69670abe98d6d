package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.contracts.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-facing commands' checks that need no home nor server, in process. */
class RunFacingCommandsTest {

    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommand() {
        CliRun help = cairn("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains(
                        "run",
                        "server",
                        "worker",
                        "submit",
                        "status",
                        "runs",
                        "logs",
                        "cancel",
                        "resume",
                        "replay",
                        "artifacts",
                        "token")
                .contains("69 server unreachable or home in use");
    }

    @Test
    void paramsAreNameEqualsValueOnce() {
        assertThat(Pipelines.params(List.of("a=1", "b=", "c=x=y"))).isEqualTo(Map.of("a", "1", "b", "", "c", "x=y"));
        assertThatThrownBy(() -> Pipelines.params(List.of("=1")))
                .isInstanceOfSatisfying(
                        CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
        assertThatThrownBy(() -> Pipelines.params(List.of("a=1", "a=2"))).hasMessageContaining("given twice");
    }

    @Test
    void serverUrlsAreChecked() {
        assertThat(Target.parseServer("http://127.0.0.1:8420").getPort()).isEqualTo(8420);
        for (String bad : List.of("127.0.0.1:8420", "ftp://host/", "http://", "http://a b")) {
            assertThatThrownBy(() -> Target.parseServer(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            CliException.class, e -> assertThat(e.code()).isEqualTo("usage"));
        }
    }

    @Test
    void runStatesReadInAnyCase() {
        assertThat(RunsCommand.state("timed-out")).isEqualTo(RunState.TIMED_OUT);
        assertThat(RunsCommand.state("Failed")).isEqualTo(RunState.FAILED);
        assertThatThrownBy(() -> RunsCommand.state("cancelled")).hasMessageContaining("not a run state");
    }

    @Test
    void commandsThatNeedAServerSaySoWithoutOne() throws Exception {
        Path spec = dir.resolve("p.yaml");
        Files.writeString(spec, "op: p\nversion: \"1\"\nsteps:\n  - id: a\n    run: [true]\n");
        CliRun submit = cairn("submit", spec.toString());
        assertThat(submit.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(submit.stderr())
                .startsWith("error[usage]: submit needs --server URL")
                .contains("cairn run FILE");

        CliRun worker = cairn("worker", "--capability", "command");
        assertThat(worker.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(worker.stderr()).startsWith("error[usage]: a worker needs --server URL");
    }

    @Test
    void badArgumentsAreUsageErrorsBeforeAnythingIsOpened() throws Exception {
        Path home = dir.resolve("home");
        CliRun id = cairn("artifacts", "get", "not-an-id", "-o", "x", "--home", home.toString());
        assertThat(id.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(id.stderr()).startsWith("error[invalid_artifact_id]");
        CliRun limit = cairn("runs", "--limit", "0", "--home", home.toString());
        assertThat(limit.exit()).isEqualTo(ExitCodes.USAGE);
        CliRun status = cairn("runs", "--status", "sleeping", "--home", home.toString(), "--json");
        assertThat(status.exit()).isEqualTo(ExitCodes.USAGE);
        JsonNode error = new ObjectMapper().readTree(status.stderr()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("usage");
        CliRun bind = cairn("server", "--bind", "host:port", "--home", home.toString());
        assertThat(bind.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bind.stderr()).contains("not a number");
        for (String ttl : List.of("0s", "PT-5S", "soon", "500ms", "25h")) {
            CliRun lease = cairn("server", "--lease-ttl", ttl, "--home", home.toString(), "--json");
            assertThat(lease.exit()).as(ttl).isEqualTo(ExitCodes.USAGE);
            JsonNode refused = new ObjectMapper().readTree(lease.stderr()).get("error");
            assertThat(refused.get("code").asText()).as(ttl).isEqualTo("usage");
            assertThat(refused.get("message").asText()).as(ttl).contains("--lease-ttl");
            assertThat(refused.get("hint").asText()).as(ttl).isNotBlank();
        }
        CliRun kind = cairn("token", "create", "--kind", "root", "--home", home.toString());
        assertThat(kind.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.exists(home)).as("nothing was opened").isFalse();
        CliRun server = cairn("status", "r", "--server", "http://127.0.0.1:1");
        assertThat(server.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(server.stderr()).startsWith("error[connection_failed]");
    }

    @Test
    void aSpecWithErrorsGetsThemAllInProcessToo() throws Exception {
        Path spec = dir.resolve("bad.json");
        Files.writeString(spec, "{\"op\": \"x\", \"version\": \"1\", \"steps\": [{\"id\": \"a\"}], \"extra\": 1}");
        CliRun run = cairn("run", spec.toString(), "--home", dir.resolve("home").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("  " + spec + ":1:")))
                .hasSize(2);
    }
}
