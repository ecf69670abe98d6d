package dev.cairn.examples.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.JsonContext;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.ReplayReport;
import dev.cairn.machine.runtime.StartRuns;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small order report on the kernel's Java API:
 *
 * <pre>
 *   prices (ReadOnlyIo) ──┬──► subtotal (Pure) ──┬──► publish (ApplySideEffect, keyed)
 *                         └──► shipping (Pure) ──┘
 * </pre>
 *
 * {@code prices} reads a catalog through a registered IO transport (the response is recorded as a
 * fact), {@code subtotal} and {@code shipping} run concurrently (FanOutJoin) on typed context
 * values, {@code publish} sends the report to an outbox under an idempotency key. Then the run is
 * replayed from its facts and verified. Everything runs on in-memory stores.
 */
public final class OrderReport {

    /** An order line, stored in the context as JSON. */
    public record Line(String sku, int quantity) {}

    /** A priced line. */
    public record Priced(String sku, int quantity, long unitCents) {}

    /** The published report. */
    public record Report(long subtotalCents, long shippingCents, long totalCents) {}

    /** What the "outbox" transport received, by idempotency key. */
    public final Map<String, JsonNode> outbox = new ConcurrentHashMap<>();

    private final Map<String, Long> catalog = Map.of("tea", 450L, "mug", 1200L);

    /** The plan; the same every time, so resume and replay can derive it again. */
    public ExecutionPlan plan() {
        return Plan.builder("order_report")
                .readOnly("prices", ctx -> {
                    Line[] lines = ctx.require("lines", Line[].class);
                    var request = JsonNodeFactory.instance.objectNode();
                    var skus = request.putArray("skus");
                    for (Line line : lines) {
                        skus.add(line.sku());
                    }
                    JsonNode prices = ctx.io()
                            .call(new IoCall("catalog", request, Optional.of(new FactKey("catalog:" + skus))))
                            .response();
                    Priced[] priced = new Priced[lines.length];
                    for (int i = 0; i < lines.length; i++) {
                        Line l = lines[i];
                        priced[i] = new Priced(
                                l.sku(), l.quantity(), prices.get(l.sku()).longValue());
                    }
                    ctx.put("priced", priced);
                })
                .pure("subtotal", ctx -> {
                    long sum = 0;
                    for (Priced p : ctx.require("priced", Priced[].class)) {
                        sum += p.unitCents() * p.quantity();
                    }
                    ctx.put("subtotal_cents", sum);
                })
                .needs("prices")
                .pure("shipping", ctx -> {
                    int items = 0;
                    for (Priced p : ctx.require("priced", Priced[].class)) {
                        items += p.quantity();
                    }
                    ctx.put("shipping_cents", items > 3 ? 0L : 499L);
                })
                .needs("prices")
                .sideEffect("publish", new Idempotency.Key("order-report-2026-11"), ctx -> {
                    long subtotal = ctx.require("subtotal_cents", Long.class);
                    long shipping = ctx.require("shipping_cents", Long.class);
                    Report report = new Report(subtotal, shipping, subtotal + shipping);
                    ctx.put("report", report);
                    ctx.emit("report_published", report);
                    var message = JsonNodeFactory.instance
                            .objectNode()
                            .put(
                                    "idempotency_key",
                                    ctx.attempt().idempotencyKey().orElseThrow());
                    message.set("report", dev.cairn.json.wire.Wire.toTree(report));
                    ctx.io().call(new IoCall("outbox", message, Optional.of(new FactKey("outbox:report"))));
                })
                .needs("subtotal", "shipping")
                .build();
    }

    /** The engine, with the two transports this example uses. */
    public Engine engine() {
        IoTransportRegistry transports = IoTransportRegistry.builder()
                .register("catalog", (call, context) -> {
                    var out = JsonNodeFactory.instance.objectNode();
                    call.request().get("skus").forEach(sku -> out.put(sku.textValue(), catalog.get(sku.textValue())));
                    return out;
                })
                .register("outbox", (call, context) -> {
                    // A real outbox would deduplicate on the key; so does this one.
                    outbox.putIfAbsent(call.request().get("idempotency_key").textValue(), call.request());
                    return JsonNodeFactory.instance.objectNode().put("accepted", true);
                })
                .build();
        ExecutionPlan plan = plan();
        return Engine.builder()
                .transports(transports)
                .planResolver(manifest -> plan)
                .build();
    }

    /** Runs the report; returns the run's result. */
    public RunResult run(Engine engine, Stores stores) {
        return engine.start(
                stores,
                StartRuns.of(plan())
                        .opVersion("1")
                        .runConfig(RunConfig.builder()
                                .executionMode(new ExecutionMode.FanOutJoin(4))
                                .build())
                        .initialContext(
                                JsonContext.empty().with("lines", List.of(new Line("tea", 2), new Line("mug", 1))))
                        .build());
    }

    public static void main(String[] args) {
        OrderReport example = new OrderReport();
        Stores stores = new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());
        Engine engine = example.engine();

        RunResult result = example.run(engine, stores);
        System.out.println("run " + result.runId() + " ended " + result.phase());
        for (EventEnvelope e : stores.events().readRange(result.runId(), 1, Optional.empty())) {
            System.out.println("  " + e.seq() + " " + describe(e.event()));
        }
        System.out.println("outbox: " + example.outbox.values());

        ReplayReport replay = engine.replay(stores, result.runId());
        System.out.println("replay " + replay.replayRunId() + (replay.verified() ? " verified " : " DIVERGED ")
                + replay.statesVerified() + " states, no live IO");
    }

    static String describe(Event event) {
        return switch (event) {
            case Event.Kernel k ->
                switch (k.event()) {
                    case KernelEvent.RunStarted s -> "RunStarted " + s.opId();
                    case KernelEvent.StateEntered s -> "StateEntered " + s.stateId() + " attempt " + s.attempt();
                    case KernelEvent.StateCompleted s ->
                        "StateCompleted " + s.stateId() + " -> "
                                + s.contextSnapshotId().value().substring(0, 12);
                    case KernelEvent.StateFailed s ->
                        "StateFailed " + s.stateId() + " " + s.error().info().code();
                    case KernelEvent.RunCompleted s -> "RunCompleted " + s.status();
                };
            case Event.Domain d -> "domain " + d.event().name();
        };
    }
}
