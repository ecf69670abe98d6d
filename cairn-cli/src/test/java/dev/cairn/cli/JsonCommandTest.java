package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static dev.cairn.cli.CliRun.example;
import static dev.cairn.cli.CliRun.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class JsonCommandTest {

    /** `examples/json/manifest.json` canonicalized by node (see the resource's README), and its `sha256sum`. */
    private static final String MANIFEST_ID = "10a2925e57639a2c4f5ca3fef17dc06b6d806c3c421713cf03f2f54dc85aab3f";

    private static byte[] golden() throws Exception {
        try (InputStream in = JsonCommandTest.class.getResourceAsStream("/examples/manifest.canonical.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void canonicalizePrintsTheCanonicalBytesWithoutANewline() throws Exception {
        CliRun run = cairn("json", "canonicalize", example("manifest.json").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).isEqualTo(golden());
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void canonicalizeReadsStandardInput() throws Exception {
        byte[] manifest = Files.readAllBytes(example("manifest.json"));
        assertThat(withInput(manifest, "json", "canonicalize").stdout()).isEqualTo(golden());
        assertThat(withInput(manifest, "json", "canonicalize", "-").stdout()).isEqualTo(golden());
        // --json changes nothing: the output is JSON already.
        assertThat(withInput(manifest, "--json", "json", "canonicalize").stdout())
                .isEqualTo(golden());
    }

    @Test
    void hashPrintsTheArtifactIdOfTheCanonicalForm() {
        CliRun run = cairn("json", "hash", example("manifest.json").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(MANIFEST_ID + "\n");
        // Layout does not matter: the canonical form is hashed.
        assertThat(withInput("{\"b\": [1, 2.0], \"a\": \"\\u00e9\"}", "json", "hash")
                        .out())
                .isEqualTo(
                        withInput("{\"a\":\"é\",\"b\":[1,2]}", "json", "hash").out());
    }

    @Test
    void hashWithJsonPrintsAStructuredResult() {
        CliRun run = cairn("json", "hash", "--json", example("manifest.json").toString());
        JsonNode result = StrictJson.parse(run.stdout());
        assertThat(result.get("artifact_id").textValue()).isEqualTo(MANIFEST_ID);
        assertThat(result.get("method").textValue()).isEqualTo("rfc8785-sha256");
        assertThat(result.get("source").textValue()).endsWith("manifest.json");
        assertThat(run.out()).endsWith("}\n").doesNotContain("\n{");
    }

    @Test
    void hashBytesHashesTheFileAsItIs() {
        // sha256sum of the canonical form: hashing those bytes raw gives the id of the JSON.
        CliRun raw = withInput("abc", "json", "hash", "--bytes");
        assertThat(raw.out()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
        CliRun notJson = withInput("not json at all", "json", "hash", "--bytes", "--json");
        assertThat(StrictJson.parse(notJson.stdout()).get("method").textValue()).isEqualTo("sha256");
    }

    @Test
    void refusedDocumentsExitWith65AndNameTheProblem() {
        CliRun run = cairn("json", "hash", example("bad/duplicate-key.json").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr())
                .startsWith("error[duplicate_key]: ")
                .contains("duplicate-key.json", "`currency`", "line 3", "/input_params/currency")
                .contains("\nhint: ")
                .doesNotContain("Exception", "\tat ");

        CliRun big = cairn(
                "json", "canonicalize", example("bad/integer-out-of-range.json").toString());
        assertThat(big.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(big.stderr()).startsWith("error[integer_out_of_range]: ");

        for (String[] refused : new String[][] {
            {"[01]", "invalid_json"},
            {"[\"\\ud800\"]", "lone_surrogate"},
            {"[NaN]", "non_finite_number"},
            {"", "invalid_json"},
            {"[1] x", "invalid_json"},
            {"[".repeat(10_000), "too_deep"}
        }) {
            CliRun r = withInput(refused[0], "json", "canonicalize");
            assertThat(r.exit()).as(refused[0]).isEqualTo(ExitCodes.DATA);
            assertThat(r.stderr()).as(refused[0]).startsWith("error[" + refused[1] + "]: <stdin>: ");
        }
    }

    @Test
    void errorsAreJsonWithJsonAndStackTracesOnlyWithDebug() {
        CliRun json = withInput("{\"a\":1,\"a\":2}", "--json", "json", "hash");
        assertThat(json.exit()).isEqualTo(ExitCodes.DATA);
        JsonNode error = StrictJson.parse(json.stderr()).get("error");
        assertThat(error.get("code").textValue()).isEqualTo("duplicate_key");
        assertThat(error.get("hint").textValue()).isNotEmpty();
        assertThat(error.get("retryable").booleanValue()).isFalse();

        CliRun debug = withInput("{\"a\":1,\"a\":2}", "json", "hash", "--debug");
        assertThat(debug.stderr()).startsWith("error[duplicate_key]").contains("\tat dev.cairn.");
    }

    @Test
    void unreadableFilesExitWith74() {
        CliRun run = cairn("json", "hash", "no/such/file.json");
        assertThat(run.exit()).isEqualTo(ExitCodes.IO);
        assertThat(run.stderr()).startsWith("error[io_error]: cannot read no/such/file.json: no such file");
        assertThat(cairn("json", "canonicalize", "..").exit()).isEqualTo(ExitCodes.IO);
    }
}
