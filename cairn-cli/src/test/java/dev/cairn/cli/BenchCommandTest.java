package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void listsWorkloads() {
        assertThat(cairn("bench", "list").out().lines())
                .anyMatch(line -> line.startsWith("canonical-hash  "))
                .anyMatch(line -> line.startsWith("snapshot  "));
        JsonNode list = StrictJson.parse(cairn("bench", "list", "--json").stdout());
        assertThat(list.get("workloads").findValuesAsText("name"))
                .isSorted()
                .contains("cache-hit", "canonical-hash", "cas", "snapshot");
    }

    @Test
    void runsAWorkloadAndPrintsOneJsonLine() {
        CliRun run = cairn("bench", "canonical-hash", "--iterations", "1", "--rounds", "1", "--warmup", "0");
        assertThat(run.exit()).isZero();
        String out = run.out();
        assertThat(out).endsWith("\n");
        assertThat(out.strip()).doesNotContain("\n");
        JsonNode report = StrictJson.parse(out);
        assertThat(report.get("workload").textValue()).isEqualTo("canonical-hash");
        assertThat(report.get("settings").get("iterations").intValue()).isEqualTo(1);
        assertThat(report.get("ratios").get(0).get("goal").doubleValue()).isEqualTo(0.3);
        assertThat(run.stderr()).startsWith("cairn bench: running canonical-hash");
    }

    @Test
    void badWorkloadsAndSettingsAreUsageErrors() {
        CliRun unknown = cairn("bench", "canonical-hsh");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.stderr()).startsWith("error[unknown_workload]: ").contains("canonical-hash");

        CliRun missing = cairn("bench");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.stderr())
                .startsWith("error[usage]: missing workload: choose one of ")
                .contains("canonical-hash");

        CliRun rounds = cairn("bench", "canonical-hash", "--rounds", "0");
        assertThat(rounds.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(rounds.stderr()).startsWith("error[invalid_settings]: rounds must be 1 or more");

        CliRun duration = cairn("bench", "canonical-hash", "--duration", "soon");
        assertThat(duration.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(duration.stderr()).startsWith("error[usage]: ").contains("300ms");
    }

    @Test
    void durationsReadShortAndIsoForms() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(converter.convert("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(converter.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(converter.convert("2w")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> converter.convert("-PT1S"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> converter.convert("5y")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
