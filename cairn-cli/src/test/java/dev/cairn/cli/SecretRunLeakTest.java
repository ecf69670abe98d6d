package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static dev.cairn.cli.CliRun.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.secrets.mask.Masker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret set with {@code cairn secrets set} reaches a {@code cairn run} step, and not one byte of
 * it (in any encoding the masker knows) lands under the home or on the CLI's output.
 */
class SecretRunLeakTest {

    private static final String SECRET = "tok-5e4d3c2b1a09f8e7";

    @TempDir
    Path tmp;

    @Test
    void aStepThatLeaksTheSecretIsRefusedAndNothingHoldsIt() throws IOException {
        Path home = tmp.resolve("home");
        CliRun set = withInput(SECRET + "\n", "secrets", "set", "DEPLOY_TOKEN", "--home", home.toString());
        assertThat(set.exit()).as(set.stderr()).isZero();

        Path spec = tmp.resolve("leak.yaml");
        Files.writeString(
                spec,
                """
                op: leak
                version: "1"
                steps:
                  - id: leak
                    secrets: [DEPLOY_TOKEN]
                    run: [sh, -c, "echo token $DEPLOY_TOKEN; printf %s \\"$DEPLOY_TOKEN\\" | base64; echo $DEPLOY_TOKEN > out.txt"]
                    outputs: [out.txt]
                """);
        CliRun run = cairn("run", spec.toString(), "--home", home.toString());

        assertThat(run.exit()).isNotZero();
        String said = new String(run.stdout(), StandardCharsets.UTF_8) + run.stderr();
        assertThat(said).contains("step `leak`").contains("contains the secret DEPLOY_TOKEN");
        assertThat(said).contains("token ***");
        Masker masker = Masker.builder()
                .secret("DEPLOY_TOKEN", SECRET.getBytes(StandardCharsets.UTF_8))
                .build();
        List<String> found = new ArrayList<>();
        masker.find(run.stdout()).forEach(f -> found.add("stdout: " + f));
        masker.find(run.stderr().getBytes(StandardCharsets.UTF_8)).forEach(f -> found.add("stderr: " + f));
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                masker.find(Files.readAllBytes(file)).forEach(f -> found.add(file + ": " + f));
            }
        }
        assertThat(found).isEmpty();
        assertThat(Files.exists(home.resolve("cairn.db"))).isTrue();
    }
}
