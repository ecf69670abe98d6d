package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.StrictJson;
import org.junit.jupiter.api.Test;

class CairnTest {

    @Test
    void badCommandLinesAreUsageErrors() {
        for (String[] args : new String[][] {
            {},
            {"json"},
            {"schema"},
            {"nope"},
            {"json", "hash", "--frob"},
            {"json", "hash", "a", "b"},
            {"schema", "show"}
        }) {
            CliRun run = cairn(args);
            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(run.stderr()).as(String.join(" ", args)).startsWith("error[usage]: ");
            assertThat(run.stderr()).contains("hint: Run `cairn").doesNotContain("\tat ");
            assertThat(run.stdout()).isEmpty();
        }
        assertThat(cairn("json", "hash", "--frob").stderr()).contains("cairn json hash --help");
        assertThat(cairn().stderr()).contains("json, schema, bench");
    }

    @Test
    void usageErrorsAreJsonWithJson() {
        CliRun run = cairn("--json", "json", "hash", "--frob");
        assertThat(StrictJson.parse(run.stderr()).get("error").get("code").textValue())
                .isEqualTo("usage");
    }

    @Test
    void helpAndVersion() {
        CliRun help = cairn("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("json", "schema", "bench", "--json", "Exit codes");
        assertThat(cairn("json", "canonicalize", "--help").out()).contains("RFC 8785");
        CliRun version = cairn("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("cairn 0.1.0").doesNotContain("${");
    }

    @Test
    void unexpectedFailuresAreInternalErrors() {
        CliException e = Cairn.failure(new IllegalStateException("boom"));
        assertThat(e.code()).isEqualTo("internal");
        assertThat(e.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(e.getMessage()).contains("IllegalStateException: boom");
        assertThat(e.hint()).contains("--debug");
        CliException io = Cairn.failure(new java.io.UncheckedIOException(new java.io.IOException("Stream closed")));
        assertThat(io.code()).isEqualTo("io_error");
        assertThat(io.exitCode()).isEqualTo(ExitCodes.IO);
        assertThat(io.getMessage()).isEqualTo("I/O failed: IOException: Stream closed");
    }
}
