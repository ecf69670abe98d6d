package dev.cairn.cli;

import static dev.cairn.cli.CliRun.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.secrets.mask.SecretForms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn secrets} through the real entry point, on a real home and local store. */
class SecretsCommandTest {

    @TempDir
    Path tmp;

    private String home() {
        return tmp.resolve("home").toString();
    }

    private CliRun secrets(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("secrets"));
        all.addAll(List.of(args));
        all.add("--home");
        all.add(home());
        return withInput(stdin, all.toArray(String[]::new));
    }

    @Test
    void setListsAndRemovesWithoutEverPrintingTheValue() {
        String value = "s3cr3t-Token-for-deploys-0123456789";

        CliRun set = secrets(value + "\n", "set", "DEPLOY_TOKEN");
        assertThat(set.exit()).as(set.stderr()).isZero();
        assertThat(set.out()).isEqualTo("set DEPLOY_TOKEN (version 1)\n");

        CliRun again = secrets(value + "-2", "set", "DEPLOY_TOKEN", "--json");
        assertThat(again.exit()).isZero();
        JsonNode info = StrictJson.parse(again.stdout());
        assertThat(info.get("name").textValue()).isEqualTo("DEPLOY_TOKEN");
        assertThat(info.get("version").longValue()).isEqualTo(2);
        assertThat(info.get("created_at").textValue()).endsWith("Z");

        assertThat(secrets("npm-token-value-abcdef", "set", "NPM_TOKEN").exit()).isZero();

        CliRun ls = secrets("", "ls");
        assertThat(ls.exit()).isZero();
        List<String> lines = ls.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("NAME").contains("VERSION", "SET AT");
        assertThat(lines.get(1)).startsWith("DEPLOY_TOKEN").contains("  2  ");
        assertThat(lines.get(2)).startsWith("NPM_TOKEN").contains("  1  ");

        CliRun lsJson = secrets("", "ls", "--json");
        JsonNode listed = StrictJson.parse(lsJson.stdout()).get("secrets");
        assertThat(listed.findValuesAsText("name")).containsExactly("DEPLOY_TOKEN", "NPM_TOKEN");
        assertThat(listed.get(0).get("version").longValue()).isEqualTo(2);
        for (CliRun run : List.of(set, again, ls, lsJson)) {
            assertThat(run.out() + run.stderr()).doesNotContain(value, "npm-token-value");
        }

        CliRun rm = secrets("", "rm", "DEPLOY_TOKEN");
        assertThat(rm.exit()).isZero();
        assertThat(rm.out()).isEqualTo("removed DEPLOY_TOKEN (was version 2)\n");
        assertThat(StrictJson.parse(secrets("", "ls", "--json").stdout())
                        .get("secrets")
                        .findValuesAsText("name"))
                .containsExactly("NPM_TOKEN");

        CliRun gone = secrets("", "rm", "DEPLOY_TOKEN", "--json");
        assertThat(gone.exit()).isEqualTo(ExitCodes.USAGE);
        JsonNode error = StrictJson.parse(gone.stderr()).get("error");
        assertThat(error.get("code").textValue()).isEqualTo("secret_not_found");
        assertThat(error.get("hint").textValue()).contains("cairn secrets set DEPLOY_TOKEN");
    }

    @Test
    void theStoreLivesUnderTheHomeWithPrivatePermissions() throws IOException {
        assertThat(secrets("a-long-enough-value", "set", "TOKEN").exit()).isZero();
        Path store = tmp.resolve("home").resolve("secrets");
        assertThat(Files.getPosixFilePermissions(store))
                .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(store.resolve("key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(store.resolve("values").resolve("TOKEN.json")).isRegularFile();
    }

    @Test
    void noFileUnderTheHomeHoldsTheValueInAnyMaskedForm() throws IOException {
        // Two values: one with characters every encoding changes, one over several lines.
        String tricky = "p@ss w/rd+\"quoted\"&ü=100%?";
        String multiLine = "-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END KEY-----";
        assertThat(secrets(tricky, "set", "TRICKY").exit()).isZero();
        assertThat(secrets(multiLine, "set", "PEM_KEY").exit()).isZero();
        assertThat(secrets(tricky, "set", "TRICKY").exit()).isZero(); // a second version

        List<SecretForms.Pattern> forms = new ArrayList<>();
        forms.addAll(SecretForms.of(tricky.getBytes(StandardCharsets.UTF_8)));
        forms.addAll(SecretForms.of(multiLine.getBytes(StandardCharsets.UTF_8)));
        assertThat(forms).hasSizeGreaterThan(10);

        List<Path> files;
        try (Stream<Path> walk = Files.walk(tmp.resolve("home"))) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (SecretForms.Pattern form : forms) {
                assertThat(indexOf(bytes, form.bytes()))
                        .as("%s in %s", form, file)
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void shortEmptyAndMalformedValuesAreRefusedWithTheReason() {
        CliRun tooShort = secrets("abc1234\n", "set", "PIN");
        assertThat(tooShort.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(tooShort.stderr())
                .startsWith("error[secret_too_short]: secret PIN is 7 bytes; secrets must be at least 8 bytes")
                .contains("masks every occurrence")
                .doesNotContain("abc1234");

        CliRun empty = secrets("", "set", "PIN", "--json");
        assertThat(empty.exit()).isEqualTo(ExitCodes.DATA);
        JsonNode error = StrictJson.parse(empty.stderr()).get("error");
        assertThat(error.get("code").textValue()).isEqualTo("secret_value_missing");
        assertThat(error.get("hint").textValue()).contains("printf %s");

        CliRun nul = secrets("abcdefgh\0ijkl", "set", "BINARY");
        assertThat(nul.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(nul.stderr()).startsWith("error[secret_not_text]: ");

        CliRun badName = secrets("a-long-enough-value", "set", "deploy-token");
        assertThat(badName.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.stderr()).startsWith("error[invalid_secret_name]: ");

        assertThat(StrictJson.parse(secrets("", "ls", "--json").stdout()).get("secrets"))
                .isEmpty();
    }

    @Test
    void aValueOnTheCommandLineIsRefusedAndNotRepeated() {
        CliRun run = secrets("", "set", "TOKEN", "hunter2-hunter2-hunter2");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr())
                .startsWith("error[secret_value_on_command_line]: ")
                .contains("standard input")
                .doesNotContain("hunter2");
        assertThat(tmp.resolve("home").resolve("secrets")).doesNotExist();
    }

    @Test
    void listingAHomeWithoutAStoreCreatesNothing() {
        CliRun ls = secrets("", "ls");
        assertThat(ls.exit()).isZero();
        assertThat(ls.out()).isEqualTo("no secrets\n");
        CliRun rm = secrets("", "rm", "TOKEN");
        assertThat(rm.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(rm.stderr()).startsWith("error[secret_not_found]: ");
        assertThat(tmp.resolve("home")).doesNotExist();
    }

    @Test
    void theSecretsCommandNeedsASubcommand() {
        CliRun run = withInput("", "secrets");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).contains("set", "ls", "rm");
        assertThat(Set.of("set", "ls", "rm")).allSatisfy(sub -> assertThat(
                        withInput("", "secrets", sub, "--help").exit())
                .isZero());
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
}
