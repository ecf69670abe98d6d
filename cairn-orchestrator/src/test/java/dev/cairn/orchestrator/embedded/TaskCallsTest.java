package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the state and the transport hand each other beside the trees is what the trees would have
 * given them: the request as the transport reads the call, the result as the step reads the
 * recorded fact (the canonical JSON of the result's tree, read back as replay reads it).
 */
class TaskCallsTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void theRequestHandedOverIsTheOneTheCallReadsAs() {
        ObjectNode meta = F.objectNode();
        meta.put("run_id", "r").put("n", 5L).put("big", 1L << 40).put("f", 0.1f).put("d", new BigDecimal("1.50"));
        meta.putObject("env").put("B", "2").put("A", "1");
        meta.putArray("inputs").add(F.objectNode().put("path", "in.txt").put("executable", false));
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("region", "eu");
        for (TaskRequest request : List.of(
                new TaskRequest(
                        "probe@eu",
                        "/examples/hello/v1",
                        labels,
                        meta,
                        List.of(ArtifactIds.ofBytes(new byte[] {1})),
                        Duration.ofMillis(1500),
                        new BackoffPolicy.Exponential(Duration.ofSeconds(2), Duration.ofSeconds(30)),
                        "pipeline"),
                new TaskRequest(
                        "a",
                        "command",
                        new TreeMap<>(),
                        F.objectNode(),
                        List.of(),
                        Duration.ofMinutes(1),
                        new BackoffPolicy.Fixed(Duration.ZERO),
                        "runners"))) {
            IoCall call = new IoCall(StepState.NAMESPACE, Wire.toTree(request), Optional.of(new FactKey("k")));
            TaskCalls typed = TaskCalls.begin(call, request);
            try {
                TaskRequest handed = TaskCalls.request(call);
                assertThat(handed).isEqualTo(Wire.fromTree(call.request(), TaskRequest.class));
                assertThat(Wire.write(handed.meta()))
                        .isEqualTo(Wire.write(
                                Wire.fromTree(call.request(), TaskRequest.class).meta()));
                IoCall other = new IoCall(StepState.NAMESPACE, Wire.toTree(request), Optional.of(new FactKey("k")));
                assertThat(TaskCalls.request(other))
                        .as("another call, even an equal one")
                        .isNull();
            } finally {
                typed.end();
            }
            assertThat(TaskCalls.request(call)).as("after the call").isNull();
        }
    }

    @Test
    void aResultIsHandedOverOnlyWhenTheRecordedFactReadsAsIt() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed + " (TaskCallsTest.aResultIsHandedOverOnlyWhenTheRecordedFactReadsAsIt)");
        Random random = new Random(seed);
        int handed = 0;
        int read = 0;
        for (int i = 0; i < 3_000; i++) {
            TaskResult result = randomResult(random);
            assertThat(result.tree()).as("the result's own tree").isEqualTo(Wire.toTree(result));
            assertThat(Canonical.canonicalize(result.tree())).isEqualTo(Canonical.canonicalize(Wire.toTree(result)));
            JsonNode recorded = StrictJson.parse(Canonical.canonicalize(result.tree()));
            TaskResult replayed = Wire.fromTree(recorded, TaskResult.class);
            if (TaskCalls.readsAs(recorded, result)) {
                handed++;
                assertSameForTheStep(result, replayed);
            } else {
                read++;
                assertThat(result)
                        .as("refused, because replay reads it otherwise")
                        .isNotEqualTo(replayed);
            }
        }
        assertThat(handed).as("results handed over").isPositive();
        assertThat(read).as("results read from the fact").isPositive();
    }

    /**
     * What the step derives from a result handed over is what it derives from the fact: the typed
     * fields, the history's domain events (the kernel copies their payloads), the records it writes to
     * the context (canonical JSON) and the runner's result read as a {@code StepResult}.
     */
    private static void assertSameForTheStep(TaskResult result, TaskResult replayed) {
        assertThat(result.taskId()).isEqualTo(replayed.taskId());
        assertThat(result.failures()).isEqualTo(replayed.failures());
        assertThat(result.epoch()).isEqualTo(replayed.epoch());
        assertThat(result.workerId()).isEqualTo(replayed.workerId());
        assertThat(result.history()).hasSameSizeAs(replayed.history());
        for (int i = 0; i < result.history().size(); i++) {
            TaskEvent live = result.history().get(i);
            TaskEvent fact = replayed.history().get(i);
            assertThat(DomainEvent.of(live.name(), live.payload()))
                    .isEqualTo(DomainEvent.of(fact.name(), fact.payload()));
        }
        switch (result.outcome()) {
            case TaskOutcome.Succeeded s -> {
                TaskOutcome.Succeeded r = (TaskOutcome.Succeeded) replayed.outcome();
                assertThat(s.outputs()).isEqualTo(r.outputs());
                assertThat(DomainEvent.of("n", s.result())).isEqualTo(DomainEvent.of("n", r.result()));
                assertThat(Canonical.canonicalize(s.result())).isEqualTo(Canonical.canonicalize(r.result()));
                assertThat(readStepResult(s.result())).isEqualTo(readStepResult(r.result()));
            }
            default -> assertThat(result.outcome()).isEqualTo(replayed.outcome());
        }
    }

    private static Object readStepResult(JsonNode result) {
        try {
            return Wire.fromTree(result, StepResult.class);
        } catch (JsonException e) {
            return e.code() + " " + e.path();
        }
    }

    @Test
    void aWholeNumberWrittenAsAFractionIsReadFromTheFact() {
        TaskResult result = new TaskResult(
                UUID.randomUUID(),
                0,
                1,
                Optional.of("w"),
                new TaskOutcome.Succeeded(F.objectNode().put("exit_code", 0.0), List.of()),
                List.of());
        JsonNode recorded = StrictJson.parse(Canonical.canonicalize(Wire.toTree(result)));

        assertThat(new String(Canonical.canonicalize(recorded), StandardCharsets.UTF_8))
                .contains("\"exit_code\":0}");
        assertThat(TaskCalls.readsAs(recorded, result)).isFalse();
    }

    private static TaskResult randomResult(Random random) {
        TaskOutcome outcome =
                switch (random.nextInt(4)) {
                    case 0 -> new TaskOutcome.Failed("code_" + random.nextInt(9), "message é", random.nextBoolean());
                    case 1 -> new TaskOutcome.Cancelled();
                    default -> {
                        List<OutputArtifact> outputs = new ArrayList<>();
                        for (int i = random.nextInt(3); i > 0; i--) {
                            outputs.add(new OutputArtifact(
                                    "out/" + i,
                                    ArtifactIds.ofBytes(new byte[] {(byte) i}),
                                    "text/plain",
                                    random.nextInt(1000),
                                    random.nextBoolean()));
                        }
                        yield new TaskOutcome.Succeeded(randomJson(random, 0), outputs);
                    }
                };
        List<TaskEvent> history = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            ObjectNode payload = F.objectNode();
            payload.put("task_id", "t").put("ts_millis", random.nextLong(1L << 45));
            if (random.nextBoolean()) {
                payload.set("extra", randomJson(random, 1));
            }
            history.add(new TaskEvent("task_" + i, payload));
        }
        return new TaskResult(
                new UUID(random.nextLong(), random.nextLong()),
                random.nextInt(3),
                random.nextInt(5),
                random.nextBoolean() ? Optional.of("worker-" + random.nextInt(9)) : Optional.empty(),
                outcome,
                history);
    }

    /** A StepResult's JSON, its exit code in one of the forms a runner may write it. */
    private static JsonNode stepResult(Random random) {
        ObjectNode result = F.objectNode();
        switch (random.nextInt(4)) {
            case 0 -> result.put("exit_code", random.nextInt(3));
            case 1 -> result.put("exit_code", (long) random.nextInt(3));
            case 2 -> result.put("exit_code", (double) random.nextInt(3));
            default -> result.put("exit_code", random.nextInt(3) + 0.5);
        }
        result.putNull("committed_snapshot");
        result.putArray("artifacts");
        return result;
    }

    /** JSON values as runners return them, most of them reading back as they are, some not. */
    static JsonNode randomJson(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 12 : depth == 0 ? 16 : 15)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2, 3, 4 -> F.numberNode(random.nextInt(2000) - 1000);
            case 5 -> F.numberNode((long) random.nextInt(100)); // a LongNode that reads back as an IntNode
            case 15 -> stepResult(random);
            case 6 -> F.numberNode(random.nextInt(100) / 4.0); // whole numbers among them read back as integers
            case 7 -> F.numberNode(random.nextLong(1L << 50) + (1L << 40));
            case 8 -> F.numberNode(new BigDecimal(BigInteger.valueOf(random.nextInt(1000)), 2));
            case 9, 10, 11 -> F.textNode("v" + random.nextInt(50) + (random.nextBoolean() ? "\n\"é" : ""));
            case 12, 13 -> {
                ArrayNode array = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = F.objectNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.set("k" + random.nextInt(20), randomJson(random, depth + 1));
                }
                yield object;
            }
        };
    }
}
