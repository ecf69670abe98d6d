package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn secrets} and {@code cairn cache} from the packaged jar in a child process, as the
 * {@code ./cairn} launcher runs them: the value comes through a real pipe, the home through {@code
 * CAIRN_HOME}, and the storage libraries print nothing on stderr.
 */
class CacheSecretsJarIT {

    private static final Path JAR = Path.of("target", "cairn-cli.jar");

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {}

    private Result java(String stdin, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(CairnHome.ENV);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("cairn finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void secretsAndCacheRunFromTheJarOnTheHomeCairnHomeNames() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of(CairnHome.ENV, home.toString());

        Result set = java("a-token-from-a-pipe\n", env, "secrets", "set", "PIPED_TOKEN");
        assertThat(set.err()).isEmpty();
        assertThat(set.exit()).isZero();
        assertThat(set.out()).isEqualTo("set PIPED_TOKEN (version 1)\n");
        assertThat(home.resolve("secrets").resolve("values").resolve("PIPED_TOKEN.json"))
                .isRegularFile();

        Result ls = java("", env, "secrets", "ls", "--json");
        assertThat(ls.err()).isEmpty();
        JsonNode secrets =
                StrictJson.parse(ls.out().getBytes(StandardCharsets.UTF_8)).get("secrets");
        assertThat(secrets.findValuesAsText("name")).containsExactly("PIPED_TOKEN");
        assertThat(ls.out()).doesNotContain("a-token-from-a-pipe");

        Result gc = java("", env, "cache", "gc", "--json");
        assertThat(gc.err()).isEmpty();
        assertThat(gc.exit()).isZero();
        JsonNode report = StrictJson.parse(gc.out().getBytes(StandardCharsets.UTF_8));
        assertThat(report.get("home").textValue())
                .isEqualTo(home.toAbsolutePath().toString());
        assertThat(report.get("collection").get("deleted").longValue()).isZero();

        Result ls2 = java("", env, "cache", "ls");
        assertThat(ls2.err()).isEmpty();
        assertThat(ls2.out()).isEqualTo("0 entries, 0 B, 0 hits, 0 active pins\n");
    }
}
