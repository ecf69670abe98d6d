package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code target/cairn-cli.jar}, run with {@code java -jar} in a child process as the
 * {@code ./cairn} launcher runs it: the manifest class path, the copied {@code lib/} jars and the
 * ServiceLoader registrations must all work outside Maven's class path.
 */
class CairnJarIT {

    private static final Path JAR = Path.of("target", "cairn-cli.jar");

    private record Result(int exit, String out, String err) {}

    private static Result java(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cairn-it", ".out");
        Path err = Files.createTempFile("cairn-it", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("cairn finished")
                    .isTrue();
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theJarRunsWithItsLibDirectory() throws Exception {
        assertThat(JAR).exists();
        assertThat(Path.of("target", "lib")).isDirectoryContaining("glob:**/picocli-*.jar");

        Result hash = java("", "json", "hash", CliRun.example("manifest.json").toString());
        assertThat(hash.err()).isEmpty();
        assertThat(hash.exit()).isZero();
        assertThat(hash.out()).isEqualTo("10a2925e57639a2c4f5ca3fef17dc06b6d806c3c421713cf03f2f54dc85aab3f\n");

        Result canonical = java("{\"b\":\"€\",\"a\":1e21}", "json", "canonicalize");
        assertThat(canonical.out()).isEqualTo("{\"a\":1e+21,\"b\":\"€\"}");

        Result list = java("", "bench", "list");
        assertThat(list.out().lines()).anyMatch(line -> line.startsWith("canonical-hash  "));

        Result bad = java("{\"a\":1,\"a\":2}", "json", "hash");
        assertThat(bad.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(bad.err()).startsWith("error[duplicate_key]: <stdin>: ");
        assertThat(java("", "--version").out()).startsWith("cairn 0.1.0");
    }
}
