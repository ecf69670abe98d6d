package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.CairnProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn run}, {@code artifacts get}, {@code replay}, {@code runs} and {@code logs} on a home, as child processes. */
class RunCommandIT {

    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve("home");
    }

    private Result cairn(String... args) {
        return CairnProcess.run(dir, args);
    }

    private static List<String> outputIds(JsonNode report) {
        List<String> ids = new ArrayList<>();
        report.get("outputs")
                .forEach(o -> ids.add(o.get("step_id").asText() + " "
                        + o.get("key").asText() + " " + o.get("artifact_id").asText()));
        return ids;
    }

    @Test
    void theMainJobRunsTheDatasetExampleAndItsReportCanBeFetched() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/awk")), "awk is not installed");
        String example = CairnProcess.example("dataset-stats.yaml").toString();

        Result human = cairn("run", example, "--home", home().toString());
        assertThat(human.exit()).as(human.err()).isZero();
        assertThat(human.out()).startsWith("run ").contains(" completed in ").contains("report/report.md");
        // Not a terminal: one plain line per change on stderr, naming each step.
        assertThat(human.err()).contains("validate: running").contains("report: completed");

        Result json = cairn("run", example, "--home", home().toString(), "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode report = json.json();
        assertThat(report.get("state").asText()).isEqualTo("completed");
        assertThat(report.get("steps")).hasSize(7);
        report.get("steps").forEach(step -> {
            assertThat(step.get("state").asText()).isEqualTo("completed");
            assertThat(step.get("exit_code").asInt()).isZero();
            // The second run of the unchanged pipeline ran nothing: every step was a cache hit.
            assertThat(step.get("cache").asText()).as(step.toString()).isEqualTo("hit");
        });
        assertThat(json.err()).as("--json prints no progress").isEmpty();

        // The second run of the unchanged pipeline made the same outputs: same content, same ids.
        assertThat(outputIds(report)).hasSize(9).containsExactlyElementsOf(outputIds(firstRunReport(example)));

        String reportId = null;
        for (JsonNode out : report.get("outputs")) {
            if (out.get("key").asText().equals("report/report.md")) {
                reportId = out.get("artifact_id").asText();
            }
        }
        assertThat(reportId).isNotNull();
        Result get = cairn("artifacts", "get", reportId, "-o", "report.md", "--home", home().toString());
        assertThat(get.exit()).as(get.err()).isZero();
        String text = Files.readString(dir.resolve("report.md"));
        assertThat(text).startsWith("| region |").contains("| **all** | 240 | 1443 | 150315.10 | |");

        String runId = report.get("run_id").asText();
        Result replay = cairn("replay", runId, "--home", home().toString(), "--json");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.json().get("verified").asBoolean()).isTrue();
        assertThat(replay.json().get("run_id").asText()).isEqualTo(runId);

        // The step's log is the first run's (the second served the report from the cache).
        String firstRunId = human.out().split(" ")[1];
        Result logs = cairn("logs", firstRunId, "report", "--home", home().toString());
        assertThat(logs.exit()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("report | | **all** | 240 | 1443 | 150315.10 | |");

        Result runs = cairn("runs", "--home", home().toString(), "--status", "completed", "--json");
        assertThat(runs.exit()).as(runs.err()).isZero();
        // Two runs and one replay.
        assertThat(runs.json().get("runs")).hasSize(3);

        Result status = cairn("status", runId, "--home", home().toString(), "--json");
        assertThat(status.json().get("state").asText()).isEqualTo("completed");
        assertThat(status.json().get("steps")).hasSize(7);
    }

    private JsonNode firstRunReport(String example) {
        Result again = cairn("run", example, "--home", dir.resolve("other-home").toString(), "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        return again.json();
    }

    @Test
    void aFailedRunExitsOneAndSaysWhichStepFailedAndWhy() throws Exception {
        Path spec = dir.resolve("failing.yaml");
        Files.writeString(
                spec,
                """
                op: failing
                version: "1"
                steps:
                  - id: fine
                    run: [sh, -c, "echo fine"]
                  - id: broken
                    needs: [fine]
                    run: [sh, -c, "echo about to fail; echo oops >&2; exit 3"]
                  - id: never
                    needs: [broken]
                    run: [sh, -c, "echo never"]
                """);
        Result human = cairn("run", spec.toString(), "--home", home().toString());
        assertThat(human.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(human.out()).contains(" failed in ").contains("broken").contains("exit 3");
        // The plain progress shows the failed step's log tail.
        assertThat(human.err()).contains("broken: failed").contains("| oops");

        Result json = cairn("run", spec.toString(), "--home", home().toString(), "--json");
        assertThat(json.exit()).isEqualTo(ExitCodes.FAILED);
        JsonNode report = json.json();
        assertThat(report.get("state").asText()).isEqualTo("failed");
        JsonNode broken = report.get("steps").get(1);
        assertThat(broken.get("step_id").asText()).isEqualTo("broken");
        assertThat(broken.get("state").asText()).isEqualTo("failed");
        assertThat(broken.get("exit_code").asInt()).isEqualTo(3);
        assertThat(report.get("steps").get(2).get("state").asText()).isNotEqualTo("completed");
    }

    @Test
    void aBadSpecGetsEveryErrorWithItsLineAndColumnAndNothingRuns() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(
                spec,
                """
                op: bad
                version: "1"
                steps:
                  - id: a
                    rn: [echo]
                    needs: [nope]
                  - id: a
                    run: [true]
                """);
        Result human = cairn("run", spec.toString(), "--home", home().toString());
        assertThat(human.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(human.out()).isEmpty();
        assertThat(human.err())
                .startsWith("error[invalid_spec]: ")
                .contains("bad.yaml:4:5: missing_field")
                .contains("bad.yaml:5:5: unknown_field")
                .contains("bad.yaml:6:13: unknown_step")
                .contains("bad.yaml:7:9: duplicate_step");
        assertThat(Files.exists(home())).as("nothing was opened").isFalse();

        Result json = cairn("run", spec.toString(), "--home", home().toString(), "--json");
        assertThat(json.exit()).isEqualTo(ExitCodes.DATA);
        JsonNode error = json.errorJson().get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_spec");
        JsonNode errors = error.get("details").get("errors");
        assertThat(errors).hasSize(4);
        List<String> where = new ArrayList<>();
        errors.forEach(
                e -> where.add(e.get("line").asInt() + ":" + e.get("column").asInt() + " "
                        + e.get("path").asText() + " " + e.get("code").asText()));
        assertThat(where)
                .containsExactly(
                        "4:5 /steps/0/run missing_field",
                        "5:5 /steps/0/rn unknown_field",
                        "6:13 /steps/0/needs/0 unknown_step",
                        "7:9 /steps/1/id duplicate_step");
    }

    @Test
    void badParamsAreRefusedBeforeAnythingRuns() {
        String example = CairnProcess.example("dataset-stats.yaml").toString();
        Result malformed = cairn("run", example, "--param", "min_units", "--home", home().toString());
        assertThat(malformed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err()).startsWith("error[usage]: --param `min_units` is not NAME=VALUE");

        Result wrong = cairn(
                "run",
                example,
                "--param",
                "min_units=many",
                "--param",
                "colour=red",
                "--home",
                home().toString(),
                "--json");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.DATA);
        JsonNode errors = wrong.errorJson().get("error").get("details").get("errors");
        List<String> codes = new ArrayList<>();
        errors.forEach(
                e -> codes.add(e.get("code").asText() + " " + e.get("path").asText()));
        assertThat(codes)
                .containsExactlyInAnyOrder(
                        "unknown_param_value /params/colour", "invalid_param_value /params/min_units");
        assertThat(Files.exists(home())).isFalse();

        Result missing = cairn("run", dir.resolve("absent.yaml").toString(), "--home", home().toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(missing.err()).contains("unreadable_file");
    }

    @Test
    void aDryRunSkipsSideEffects() throws Exception {
        Path spec = dir.resolve("deploy.yaml");
        Files.writeString(
                spec,
                """
                op: deploy
                version: "1"
                steps:
                  - id: build
                    run: [sh, -c, "echo built"]
                  - id: push
                    needs: [build]
                    side_effect: apply_side_effect
                    idempotency_key: push-1
                    run: [sh, -c, "echo pushed"]
                """);
        Result dry = cairn("run", spec.toString(), "--dry-run", "--home", home().toString(), "--json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        JsonNode steps = dry.json().get("steps");
        assertThat(steps.get(0).get("state").asText()).isEqualTo("completed");
        assertThat(steps.get(1).get("state").asText()).isEqualTo("skipped");
    }
}
