package dev.cairn.runner.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.ContractException;
import dev.cairn.contracts.RunRunnersRequest;
import dev.cairn.contracts.RunRunnersResponse;
import dev.cairn.contracts.RunnerConfigRequest;
import dev.cairn.contracts.RunnerInfoResponse;
import dev.cairn.contracts.RunnerResult;
import dev.cairn.contracts.RunnerStatus;
import dev.cairn.contracts.RunnerUsage;
import dev.cairn.contracts.UsageExample;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.Runner;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.runner.node.command.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Seed 003's runner contract on a node: {@link #info()} lists the node's runners ({@code GET
 * /info}), and {@link #execute(RunRunnersRequest)} runs some of them directly, outside any run
 * ({@code POST /execute}), each on its own virtual thread, with the same task context as a leased
 * task (inputs from and outputs to the artifact store).
 *
 * <p>Each runner gets a task of its own: capability = the runner's name, {@code meta} = its input
 * (the runner's own {@code input}, else the request's legacy {@code input}, else {@code {}}, with
 * the request's {@code url} added as {@code url} unless the input has one), {@code inputs_cids}
 * from the input's {@code inputsCids} (or {@code inputs_cids}) array. For {@value
 * CommandRunner#CAPABILITY} the input is a {@code CommandTask}.
 *
 * <p>Results: a runner that returns is {@code pass}, except a command whose exit code is not 0,
 * which is {@code fail}; a runner that fails or is cancelled is {@code error}, with {@code
 * errorMessage} = {@code code: message}. {@code details} holds {@code result} (the result
 * document), {@code outputs} (the stored artifacts) and {@code logs} (the last {@value #LOG_TAIL}
 * log lines). Unknown runner names are refused before anything runs: {@code runner_not_found}
 * with {@code details.missingRunners} and {@code details.availableRunners}.
 */
public final class DirectExecution {

    /** How many log lines a result's details keep (the last ones). */
    public static final int LOG_TAIL = 200;

    private final RunnerRegistry registry;
    private final ArtifactStore store;
    private final Path workRoot;
    private final Clock clock;
    private final Optional<String> region;

    public DirectExecution(
            RunnerRegistry registry, ArtifactStore store, Path workRoot, Clock clock, Optional<String> region) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.region = Objects.requireNonNull(region, "region");
    }

    /** {@code GET /info}: the runners of this node, sorted, and how to call {@code POST /execute}. */
    public RunnerInfoResponse info() {
        List<String> runners = registry.capabilities();
        List<String> example = runners.contains("/examples/hello/v1")
                ? List.of("/examples/hello/v1")
                : runners.isEmpty() ? List.of() : List.of(runners.getFirst());
        return new RunnerInfoResponse(
                runners,
                runners.size(),
                region,
                Optional.of(new RunnerUsage("POST", "/execute", new UsageExample("https://example.com", example))));
    }

    /**
     * {@code POST /execute}: runs the requested runners and returns one result per runner, in request
     * order.
     *
     * @throws ContractException {@code runner_not_found} when a name has no runner here
     */
    public RunRunnersResponse execute(RunRunnersRequest request) {
        Objects.requireNonNull(request, "request");
        List<String> missing = request.runners().stream()
                .map(RunnerConfigRequest::name)
                .filter(name -> registry.find(name).isEmpty())
                .distinct()
                .toList();
        if (!missing.isEmpty()) {
            throw ContractException.runnerNotFound(missing, registry.capabilities());
        }
        String runId = request.runId().orElseGet(() -> UUID.randomUUID().toString());
        List<RunnerResult> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RunnerResult>> futures = new ArrayList<>();
            for (RunnerConfigRequest config : request.runners()) {
                futures.add(threads.submit(() -> runOne(config, request, runId)));
            }
            for (Future<RunnerResult> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw ContractException.executionFailed(String.valueOf(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw RunnerNodeException.interrupted("executing runners");
                }
            }
        }
        return new RunRunnersResponse(request.region().or(() -> region), Optional.of(runId), results);
    }

    private RunnerResult runOne(RunnerConfigRequest config, RunRunnersRequest request, String runId) {
        Runner runner = registry.find(config.name()).orElseThrow();
        ObjectNode input = inputOf(config, request);
        TaskSpec.Builder task = TaskSpec.builder(UUID.randomUUID(), config.name())
                .meta(input)
                .inputsCids(cids(input))
                .attempts(1L)
                .maxAttempts(1L)
                .mode("execute");
        parseUuid(runId).ifPresent(task::jobId);
        LeaseEnvelope lease = LeaseEnvelope.builder(task.build()).build();
        long started = System.nanoTime();
        TaskOutcome outcome;
        ArrayDeque<String> logs = new ArrayDeque<>();
        try (TaskExecution execution = new TaskExecution(runner, lease, store, workRoot, clock, UploadRetry.none())) {
            execution.start();
            try {
                while (!execution.await(Duration.ofMillis(500))) {
                    keepTail(execution.ctrl(), logs);
                }
            } catch (InterruptedException e) {
                execution.cancel();
                Thread.currentThread().interrupt();
                throw RunnerNodeException.interrupted("running " + config.name());
            }
            keepTail(execution.ctrl(), logs);
            outcome = execution.outcome();
        }
        double millis = (System.nanoTime() - started) / 1e6;
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode logLines = details.putArray("logs");
        logs.forEach(logLines::add);
        return switch (outcome) {
            case TaskOutcome.Succeeded ok -> {
                details.set("result", ok.result());
                details.set("outputs", Wire.toTree(ok.outputs()));
                Optional<String> failure = commandFailure(runner, ok.result());
                yield new RunnerResult(
                        config.name(),
                        failure.isPresent() ? RunnerStatus.FAIL : RunnerStatus.PASS,
                        Optional.of(details),
                        failure,
                        Optional.of(millis));
            }
            case TaskOutcome.Failed failed ->
                new RunnerResult(
                        config.name(),
                        RunnerStatus.ERROR,
                        Optional.of(details),
                        Optional.of(failed.code() + ": " + failed.message()),
                        Optional.of(millis));
            case TaskOutcome.Cancelled cancelled ->
                new RunnerResult(
                        config.name(),
                        RunnerStatus.ERROR,
                        Optional.of(details),
                        Optional.of("cancelled: the runner was cancelled"),
                        Optional.of(millis));
        };
    }

    private static void keepTail(RelayControlPlane ctrl, ArrayDeque<String> logs) {
        while (ctrl.hasPending()) {
            for (LogLine line : ctrl.drain().logs()) {
                logs.addLast(line.stream() + ": " + line.message());
                if (logs.size() > LOG_TAIL) {
                    logs.removeFirst();
                }
            }
        }
    }

    private static Optional<String> commandFailure(Runner runner, JsonNode result) {
        if (runner instanceof CommandRunner && result.path("exit_code").canConvertToInt()) {
            int exit = result.path("exit_code").asInt();
            return exit == 0 ? Optional.empty() : Optional.of("the command exited with " + exit);
        }
        return Optional.empty();
    }

    private static ObjectNode inputOf(RunnerConfigRequest config, RunRunnersRequest request) {
        ObjectNode input = config.input()
                .or(request::input)
                .map(ObjectNode::deepCopy)
                .orElseGet(JsonNodeFactory.instance::objectNode);
        if (request.url().isPresent() && !input.has("url") && config.input().isEmpty()) {
            input.put("url", request.url().get());
        }
        return input;
    }

    private static List<String> cids(ObjectNode input) {
        JsonNode array = input.has("inputsCids") ? input.get("inputsCids") : input.path("inputs_cids");
        List<String> cids = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(node -> {
                if (node.isTextual()) {
                    cids.add(node.asText());
                }
            });
        }
        return cids;
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
