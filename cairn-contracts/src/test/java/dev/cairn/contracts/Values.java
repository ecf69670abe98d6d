package dev.cairn.contracts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The Java values of the golden files under {@code golden/}. */
final class Values {

    private Values() {}

    static final String RUN = "run-7f3a2c";

    static ObjectNode object(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }

    static final RunRequest FULL_REQUEST = new RunRequest(
            List.of(
                    new RunnerConfig(
                            "exampleTitleVisibleTest",
                            Optional.of("us-east-1"),
                            Optional.of(object("url", "https://example.com"))),
                    RunnerConfig.named("checkoutFlowTest")),
            RunMode.REMOTE,
            Optional.of(4),
            Optional.of(300_000L),
            Optional.of(List.of("nightly", "web")),
            Optional.of(RUN));

    static final RunRequest MINIMAL_REQUEST = RunRequest.of(RunMode.LOCAL, List.of(RunnerConfig.named("smoke")));

    static final RunStatus RUNNING = new RunStatus(
            RUN,
            RunState.RUNNING,
            2,
            1,
            0,
            Instant.parse("2026-11-23T06:00:00Z"),
            Instant.parse("2026-11-23T06:00:41.250Z"));

    static final RunnerResult PASS = new RunnerResult(
            "exampleTitleVisibleTest",
            RunnerStatus.PASS,
            Optional.of(object("title", "Example Domain")),
            Optional.empty(),
            Optional.of(1532.5));

    static final RunnerResult FAIL = new RunnerResult(
            "checkoutFlowTest",
            RunnerStatus.FAIL,
            Optional.empty(),
            Optional.of("expected 200, got 503"),
            Optional.of(48_210d));

    static final RunnerResult ERROR = new RunnerResult(
            "loginTest", RunnerStatus.ERROR, Optional.empty(), Optional.of("browser crashed"), Optional.empty());

    static final RunSummary COMPLETED = new RunSummary(
            RUN,
            RunState.COMPLETED,
            List.of(
                    new JobResult(
                            "job-us-east-1",
                            Optional.of("us-east-1"),
                            RunState.COMPLETED,
                            List.of(PASS, FAIL),
                            Optional.empty(),
                            Optional.of(Instant.parse("2026-11-23T06:00:01Z")),
                            Optional.of(Instant.parse("2026-11-23T06:00:50.742Z")),
                            Optional.of(49_742d)),
                    new JobResult(
                            "job-eu-west-1",
                            Optional.of("eu-west-1"),
                            RunState.FAILED,
                            List.of(ERROR),
                            Optional.of("1 runner errored"),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty())),
            new ResultCounts(3, 1, 1, 1),
            Instant.parse("2026-11-23T06:00:00Z"),
            Optional.of(Instant.parse("2026-11-23T06:00:51Z")),
            Optional.of(51_000d));

    static final RunRunnersRequest EXECUTE = new RunRunnersRequest(
            Optional.of("https://example.com"),
            List.of(
                    new RunnerConfigRequest(
                            "exampleTitleVisibleTest", Optional.of(object("url", "https://example.com/a"))),
                    RunnerConfigRequest.named("checkoutFlowTest")),
            Optional.of(RUN),
            Optional.of("us-east-1"),
            Optional.empty());

    static final RunRunnersResponse EXECUTED =
            new RunRunnersResponse(Optional.of("us-east-1"), Optional.of(RUN), List.of(PASS, FAIL));

    static final RunnerInfoResponse INFO = new RunnerInfoResponse(
            List.of("checkoutFlowTest", "exampleTitleVisibleTest"),
            2,
            Optional.of("us-east-1"),
            Optional.of(new RunnerUsage(
                    "POST", "/execute", new UsageExample("https://example.com", List.of("exampleTitleVisibleTest")))));
}
