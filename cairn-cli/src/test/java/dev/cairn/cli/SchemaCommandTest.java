package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.Canonical;
import dev.cairn.json.StrictJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Uses the fixture schemas under src/test/resources/META-INF/cairn/schemas. */
class SchemaCommandTest {

    @Test
    void listShowsNamesAndTitles() {
        CliRun run = cairn("schema", "list");
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("cli-fixture-run-request\n")
                .containsPattern("cli-fixture-step-result +StepResult \\(test fixture\\)");
    }

    @Test
    void listWithJson() {
        JsonNode list = StrictJson.parse(cairn("schema", "list", "--json").stdout());
        JsonNode schemas = list.get("schemas");
        assertThat(schemas.isArray()).isTrue();
        assertThat(schemas.findValuesAsText("name")).contains("cli-fixture-run-request", "cli-fixture-step-result");
    }

    @Test
    void showPrintsTheSchemaIndentedOrCanonical() {
        CliRun pretty = cairn("schema", "show", "cli-fixture-run-request");
        assertThat(pretty.exit()).isZero();
        assertThat(pretty.out()).contains("\n  \"type\" : \"object\"").endsWith("}\n");
        CliRun json = cairn("--json", "schema", "show", "cli-fixture-run-request");
        String canonical =
                new String(Canonical.canonicalize(StrictJson.parse(pretty.stdout())), StandardCharsets.UTF_8);
        assertThat(json.out()).isEqualTo(canonical + "\n");
    }

    @Test
    void unknownNamesSuggestCloseOnes() {
        CliRun run = cairn("schema", "show", "cli-fixture-step-reslt");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr())
                .startsWith("error[unknown_schema]: no schema named `cli-fixture-step-reslt`; did you mean "
                        + "cli-fixture-step-result")
                .contains("hint: List the schemas with `cairn schema list`.");
        assertThat(cairn("schema", "show", "zzz").stderr()).doesNotContain("did you mean");
    }
}
