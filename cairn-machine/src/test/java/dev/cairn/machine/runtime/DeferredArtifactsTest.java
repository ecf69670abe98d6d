package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.io.IoTransportRegistry;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.testkit.InMemoryEventStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * P1 with deferred artifacts: the engine stores snapshots and fact payloads with {@code putDeferred}
 * and syncs the artifact store before every append, so no durable event ever references a blob that
 * a crash could still lose, while a batch of new snapshots costs one sync instead of one durable put
 * each.
 */
class DeferredArtifactsTest {

    private final Kit kit = new Kit();

    @Test
    void everyAppendedEventReferencesOnlyDurableBlobs() {
        for (Durability durability : List.of(Durability.batched(), Durability.everyEvent())) {
            for (ExecutionMode mode : List.of(new ExecutionMode.Sequential(), new ExecutionMode.FanOutJoin(3))) {
                String label = durability + " " + mode;
                Journal journal = new Journal();
                Stores stores = journal.stores();

                RunResult result = kit.engine()
                        .transports(transports())
                        .durability(durability)
                        .build()
                        .start(
                                stores,
                                StartRuns.of(plan())
                                        .runConfig(RunConfig.builder()
                                                .executionMode(mode)
                                                .build())
                                        .build());

                assertThat(result.phase()).as(label).isEqualTo(RunPhase.COMPLETED);
                assertThat(journal.violations).as(label).isEmpty();
                assertThat(journal.referenced).as(label).isNotEmpty();
                // Snapshots and facts were deferred, not put durably one by one …
                assertThat(journal.durablePuts).as(label).isZero();
                assertThat(journal.deferredPuts).as(label).isGreaterThanOrEqualTo(12);
                // … and were made durable at the appends' barriers, never more often than appends.
                assertThat(journal.syncs).as(label).isPositive().isLessThanOrEqualTo(journal.appends);
                assertThat(journal.pending).as(label).isEmpty();
            }
        }
    }

    @Test
    void batchedDurabilityPaysOneSyncPerBarrierNotOnePerSnapshot() {
        Journal journal = new Journal();
        Plan.Builder b = Plan.builder("chain");
        for (int i = 0; i < 200; i++) {
            int n = i;
            b.pure("s" + i, ctx -> ctx.put("n", n));
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        ExecutionPlan chain = b.build();

        RunResult result =
                kit.engine().build().start(journal.stores(), StartRuns.of(chain).build());

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(journal.violations).isEmpty();
        assertThat(journal.deferredPuts).isEqualTo(201 + 1); // 200 snapshots, the initial one, the manifest
        assertThat(journal.appends).isEqualTo(1);
        assertThat(journal.syncs).isEqualTo(1);
    }

    @Test
    void aCrashLosesOnlyUnsyncedBlobsThatNoDurableEventReferences() {
        for (int crashAt = 0; crashAt < 8; crashAt++) {
            Journal journal = new Journal();
            RunId runId = new RunId(kit.entropy.newUuid());
            Stores crashing = new Stores(
                    new CrashingEventStore(journal.events, crashAt, CrashingEventStore.Mode.BEFORE), journal.artifacts);
            try {
                kit.engine()
                        .transports(transports())
                        .durability(Durability.everyEvent())
                        .build()
                        .start(crashing, StartRuns.of(plan()).runId(runId).build());
            } catch (SimulatedCrash expected) {
                // the process "dies" here
            }
            journal.crash(); // deferred, unsynced blobs are gone

            for (EventEnvelope e : journal.events.readRange(runId, 1, Optional.empty())) {
                for (ArtifactId id : references(e)) {
                    assertThat(journal.artifacts.exists(id))
                            .as("crash at append %d: seq %d references %s", crashAt, e.seq(), id)
                            .isTrue();
                }
            }
            if (journal.events.headSeq(runId) > 0) {
                RunResult resumed = kit.engine()
                        .transports(transports())
                        .planResolver(manifest -> plan())
                        .build()
                        .resume(journal.stores(), runId);
                assertThat(resumed.phase()).as("crash at append %d", crashAt).isEqualTo(RunPhase.COMPLETED);
                assertThat(journal.violations).isEmpty();
            }
        }
    }

    // ------------------------------------------------------------------ the run

    private static ExecutionPlan plan() {
        return Plan.builder("deferred")
                .pure("a", ctx -> ctx.put("a", 1))
                .readOnly("quote", ctx -> {
                    var r = ctx.io()
                            .call(new IoCall(
                                    "quotes",
                                    JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                                    Optional.of(new FactKey("quote:tea"))));
                    ctx.put("price", r.response().get("price").intValue());
                    ctx.put("at", ctx.io().nowMillis());
                })
                .needs("a")
                .pure("b1", ctx -> ctx.put("b1", 1))
                .needs("quote")
                .pure("b2", ctx -> ctx.put("b2", 2))
                .needs("quote")
                .pure("b3", ctx -> ctx.put("b3", 3))
                .needs("quote")
                .sideEffect("charge", new Idempotency.Key("charge-1"), ctx -> ctx.put("charged", true))
                .needs("b1", "b2", "b3")
                .pure("c1", ctx -> ctx.put("c1", 1))
                .needs("charge")
                .pure("c2", ctx -> ctx.put("c2", 2))
                .needs("c1")
                .pure("c3", ctx -> ctx.put("c3", 3))
                .needs("c2")
                .pure("c4", ctx -> ctx.put("c4", 4))
                .needs("c3")
                .build();
    }

    private static IoTransportRegistry transports() {
        return IoTransportRegistry.builder()
                .register(
                        "quotes",
                        (call, context) -> JsonNodeFactory.instance.objectNode().put("price", 42))
                .build();
    }

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");

    /** Every artifact id an event mentions: any 64-hex string in its wire form. */
    static Set<ArtifactId> references(EventEnvelope envelope) {
        Set<ArtifactId> out = new HashSet<>();
        collect(Wire.toTree(envelope.event()), out);
        return out;
    }

    private static void collect(JsonNode node, Set<ArtifactId> out) {
        if (node.isTextual() && HEX_ID.matcher(node.textValue()).matches()) {
            out.add(new ArtifactId(node.textValue()));
        }
        node.forEach(child -> collect(child, out));
    }

    // ------------------------------------------------------------------ stores that keep a journal

    /**
     * An artifact store with real deferral (a deferred blob is readable but lost by {@link #crash()}
     * until a {@code sync}) and an event store that checks, at every append, that each blob the
     * appended events reference is already durable.
     */
    static final class Journal {
        final Map<ArtifactId, byte[]> durable = new ConcurrentHashMap<>();
        final Map<ArtifactId, byte[]> pending = new ConcurrentHashMap<>();
        final List<String> violations = new ArrayList<>();
        final Set<ArtifactId> referenced = ConcurrentHashMap.newKeySet();
        int durablePuts;
        int deferredPuts;
        int syncs;
        int appends;

        final ArtifactStore artifacts = new ArtifactStore() {
            @Override
            public ArtifactId put(ArtifactKind kind, byte[] bytes) {
                synchronized (Journal.this) {
                    durablePuts++;
                    ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
                    durable.putIfAbsent(id, bytes.clone());
                    pending.remove(id);
                    return id;
                }
            }

            @Override
            public ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
                synchronized (Journal.this) {
                    deferredPuts++;
                    ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(bytes));
                    if (!durable.containsKey(id)) {
                        pending.putIfAbsent(id, bytes.clone());
                    }
                    return id;
                }
            }

            @Override
            public void sync() {
                synchronized (Journal.this) {
                    syncs++;
                    durable.putAll(pending);
                    pending.clear();
                }
            }

            @Override
            public byte[] get(ArtifactId id) {
                byte[] bytes = durable.get(id);
                if (bytes == null) {
                    bytes = pending.get(id);
                }
                if (bytes == null) {
                    throw StorageException.artifactNotFound(id);
                }
                return bytes.clone();
            }

            @Override
            public boolean exists(ArtifactId id) {
                return durable.containsKey(id) || pending.containsKey(id);
            }
        };

        final EventStore events = new EventStore() {
            private final InMemoryEventStore inner = new InMemoryEventStore();

            @Override
            public long headSeq(RunId runId) {
                return inner.headSeq(runId);
            }

            @Override
            public long append(RunId runId, long expectedSeq, List<EventEnvelope> batch) {
                synchronized (Journal.this) {
                    appends++;
                    for (EventEnvelope e : batch) {
                        for (ArtifactId id : references(e)) {
                            referenced.add(id);
                            if (!durable.containsKey(id)) {
                                violations.add("seq " + e.seq() + " references " + id + ", not durable yet");
                            }
                        }
                    }
                }
                return inner.append(runId, expectedSeq, batch);
            }

            @Override
            public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
                return inner.readRange(runId, fromSeq, toSeq);
            }
        };

        Stores stores() {
            return new Stores(events, artifacts);
        }

        /** What a process crash does to the blobs: the deferred ones not synced yet are gone. */
        synchronized void crash() {
            pending.clear();
        }
    }
}
