package dev.cairn.kernel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.StateException;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.PlanResolver;
import dev.cairn.machine.runtime.StartRuns;
import dev.cairn.machine.runtime.StateContext;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The run the crash tests kill: per order {@code i}, a plan mixing every kind of state, doing small
 * but real work.
 *
 * <pre>
 * fetch (ReadOnlyIo: reads inputs/i.bin through the "blob" transport, recorded as a fact)
 *   → parse (Pure: 200 rounds of SHA-256)
 *     → shard_0 … shard_3 (Pure, one fan-out wave: 300 rounds each, one operation event each)
 *       → flaky (Pure: fails with a retryable error on attempts 0 and 1)
 *         → charge (ApplySideEffect, key charge-i: creates effects/charge-i, fsynced, once per key)
 *           → summary (Pure)
 * </pre>
 *
 * Every handler first appends {@code i state attempt key} to {@code journal/<pid>.log} (a plain
 * write: a SIGKILL ends the process, not the kernel, so written bytes are kept) and reports its start
 * to {@code progress}. The context a run ends with depends only on the seed and the order: never on
 * attempts, timing or crashes.
 */
final class CrashScenario {

    static final String OP = "crash_mix";
    static final int SHARDS = 4;
    static final String FLAKY_CODE = "flaky_unavailable";
    static final int INPUT_BYTES = 16 * 1024;

    private final Path dir;
    private final Consumer<String> progress;
    private final FileChannel journal;

    /**
     * @param dir holds {@code inputs/}, {@code effects/} and {@code journal/} (created if missing)
     * @param progress told {@code h i state attempt} when a handler starts
     */
    CrashScenario(Path dir, Consumer<String> progress) {
        this.dir = dir;
        this.progress = progress;
        try {
            Files.createDirectories(dir.resolve("effects"));
            Files.createDirectories(dir.resolve("journal"));
            this.journal = FileChannel.open(
                    dir.resolve("journal").resolve(ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log"),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the inputs of orders {@code 0 … runs-1} into {@code dir/inputs}, from {@code seed}. */
    static void writeInputs(Path dir, long seed, int runs) throws IOException {
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        Random random = new Random(seed);
        for (int i = 0; i < runs; i++) {
            byte[] bytes = new byte[INPUT_BYTES];
            random.nextBytes(bytes);
            Files.write(inputs.resolve(i + ".bin"), bytes);
        }
    }

    /** The run id of order {@code i}. */
    static RunId runId(long seed, int i) {
        return new RunId(new UUID(seed, i));
    }

    static RunConfig config() {
        return RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(SHARDS))
                .retryPolicy(new RetryPolicy(8, new BackoffPolicy.Fixed(Duration.ofMillis(2))))
                .build();
    }

    StartRun start(long seed, int i) {
        return StartRuns.of(plan(i))
                .inputParams(JsonNodeFactory.instance.objectNode().put("order", i))
                .runConfig(config())
                .runId(runId(seed, i))
                .build();
    }

    PlanResolver resolver() {
        return manifest -> plan(manifest.inputParams().get("order").intValue());
    }

    IoTransportRegistry transports() {
        return IoTransportRegistry.builder()
                .register("blob", (call, context) -> {
                    int order = call.request().get("order").intValue();
                    byte[] bytes;
                    try {
                        bytes = Files.readAllBytes(dir.resolve("inputs").resolve(order + ".bin"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return JsonNodeFactory.instance
                            .objectNode()
                            .put("sha256", ArtifactIds.ofBytes(bytes))
                            .put("size", bytes.length);
                })
                .build();
    }

    /** The key of order {@code i}'s side effect. */
    static String chargeKey(int i) {
        return "charge-" + i;
    }

    /** What the effect of order {@code i} holds once applied. */
    static String receipt(int i) {
        return "receipt for " + chargeKey(i);
    }

    ExecutionPlan plan(int i) {
        Plan.Builder b = Plan.builder(OP)
                .readOnly("fetch", ctx -> {
                    started(i, ctx);
                    var result = ctx.io()
                            .call(new IoCall(
                                    "blob",
                                    JsonNodeFactory.instance.objectNode().put("order", i),
                                    Optional.of(new FactKey("blob:" + i))));
                    ctx.put("input", result.response());
                })
                .pure("parse", ctx -> {
                    started(i, ctx);
                    JsonNode input = ctx.require("input", JsonNode.class);
                    ctx.put("parsed", rounds(input.get("sha256").textValue(), 200));
                })
                .needs("fetch");
        String[] shards = new String[SHARDS];
        for (int k = 0; k < SHARDS; k++) {
            int shard = k;
            shards[k] = "shard_" + k;
            b.pure(shards[k], ctx -> {
                        started(i, ctx);
                        String value = rounds(ctx.require("parsed", String.class) + "/" + shard, 300);
                        ctx.put("shard_" + shard, value);
                        ctx.emit(
                                "shard_done",
                                JsonNodeFactory.instance.objectNode().put("shard", shard));
                    })
                    .needs("parse");
        }
        return b.pure("flaky", ctx -> {
                    started(i, ctx);
                    if (ctx.attempt().attempt() < 2) {
                        throw StateException.failed(
                                FLAKY_CODE,
                                ErrorCategory.RPC,
                                true,
                                "the flaky dependency is unavailable (attempt "
                                        + ctx.attempt().attempt() + ")");
                    }
                    StringBuilder all = new StringBuilder();
                    for (int k = 0; k < SHARDS; k++) {
                        all.append(ctx.require("shard_" + k, String.class));
                    }
                    ctx.put("joined", rounds(all.toString(), 1));
                })
                .needs(shards)
                .sideEffect("charge", new Idempotency.Key(chargeKey(i)), ctx -> {
                    started(i, ctx);
                    String key = ctx.attempt().idempotencyKey().orElseThrow();
                    ctx.put("receipt", apply(key, receipt(i)));
                })
                .needs("flaky")
                .pure("summary", ctx -> {
                    started(i, ctx);
                    ctx.put("summary", ArtifactIds.ofJson(ctx.dump()));
                })
                .needs("charge")
                .build();
    }

    /**
     * The "external system": applies the effect named {@code key} once. A request with a key already
     * applied returns the recorded receipt (deduplication by idempotency key, as payment APIs do).
     * The receipt is written and fsynced in a temporary file, then published under the key's name
     * with a hard link, which either creates the name with the whole receipt or fails because it
     * exists: a SIGKILL between creating and writing can never leave an empty receipt behind (it
     * would make the retried effect return different bytes). The directory entry is fsynced too.
     */
    private String apply(String key, String receipt) {
        Path effects = dir.resolve("effects");
        Path file = effects.resolve(key);
        try {
            Path tmp = Files.createTempFile(effects, "." + key, ".tmp");
            try {
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(receipt.getBytes(StandardCharsets.UTF_8)));
                    out.force(true);
                }
                Files.createLink(file, tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
            try (FileChannel directory = FileChannel.open(effects, StandardOpenOption.READ)) {
                directory.force(true);
            }
            return receipt;
        } catch (FileAlreadyExistsException e) {
            try {
                return Files.readString(file);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void started(int i, StateContext ctx) {
        String line = i + " " + ctx.attempt().stateId().local() + " "
                + ctx.attempt().attempt() + " " + ctx.attempt().idempotencyKey().orElse("-");
        try {
            journal.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.accept("h " + line);
    }

    private static String rounds(String seed, int n) {
        byte[] digest = seed.getBytes(StandardCharsets.UTF_8);
        var sha = ArtifactIds.sha256();
        for (int r = 0; r < n; r++) {
            digest = sha.digest(digest);
        }
        return HexFormat.of().formatHex(digest);
    }
}
