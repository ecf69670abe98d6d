package dev.cairn.machine.runtime;

import dev.cairn.json.wire.Wire;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.EventStore;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A quick harness (not a test, no assertions): the kernel workloads of the later {@code cairn
 * bench}, on in-memory stores, optionally with a simulated fsync per append. Run with {@code java
 * -cp … dev.cairn.machine.runtime.KernelHarness [fsyncMicros]}. Figures are reported in the
 * module's notes and docs/kernel.md; real figures come from cairn-bench on SQLite.
 */
public final class KernelHarness {

    private KernelHarness() {}

    public static void main(String[] args) throws Exception {
        long fsyncMicros = args.length > 0 ? Long.parseLong(args[0]) : 200;
        for (int round = 0; round < 3; round++) {
            chain(fsyncMicros);
            fanout(fsyncMicros);
        }
        resume(500_000);
        resumeDomainHeavy(1_000_000);
        decode(1_000_000);
    }

    /** An event store that takes {@code fsyncMicros} per append, one append at a time (no group commit). */
    static EventStore slow(EventStore inner, long fsyncMicros) {
        return new EventStore() {
            @Override
            public long headSeq(RunId runId) {
                return inner.headSeq(runId);
            }

            @Override
            public synchronized long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
                long until = System.nanoTime() + fsyncMicros * 1000;
                while (System.nanoTime() < until) {
                    LockSupport.parkNanos(until - System.nanoTime());
                }
                return inner.append(runId, expectedSeq, events);
            }

            @Override
            public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
                return inner.readRange(runId, fromSeq, toSeq);
            }
        };
    }

    static void chain(long fsyncMicros) {
        ExecutionPlan plan = EngineContractTest.chain(10_000);
        Stores stores = new Stores(slow(new InMemoryEventStore(), fsyncMicros), new InMemoryArtifactStore());
        Engine engine = Engine.builder().build();
        long t0 = System.nanoTime();
        RunResult r = engine.start(stores, StartRuns.of(plan).build());
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "{\"workload\":\"kernel-chain\",\"states\":10000,\"states_per_s\":%.0f,\"seconds\":%.3f,\"phase\":\"%s\",\"fsync_us\":%d}%n",
                10_000 / secs, secs, r.phase(), fsyncMicros);
    }

    static void fanout(long fsyncMicros) throws Exception {
        Plan.Builder b = Plan.builder("fan");
        for (int i = 0; i < 10; i++) {
            b.pure("s" + i, ctx -> {});
        }
        ExecutionPlan plan = b.build();
        RunConfig config = RunConfig.builder()
                .executionMode(new ExecutionMode.FanOutJoin(10))
                .build();
        Stores stores = new Stores(slow(new InMemoryEventStore(), fsyncMicros), new InMemoryArtifactStore());
        Engine engine = Engine.builder().build();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RunResult>> runs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                runs.add(pool.submit(() -> engine.start(
                        stores, StartRuns.of(plan).runConfig(config).build())));
            }
            for (Future<RunResult> f : runs) {
                f.get();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "{\"workload\":\"kernel-fanout\",\"runs\":1000,\"states\":10000,\"transitions_per_s\":%.0f,\"seconds\":%.3f,\"fsync_us\":%d}%n",
                20_000 / secs, secs, fsyncMicros);
    }

    /** A chain of {@code n} states whose first n-1 completed: 1 + 2(n-1) events; resume runs the last. */
    static void resume(int n) {
        ExecutionPlan plan = EngineContractTest.chain(n);
        Stores stores = new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());
        StartRun start = StartRuns.of(plan).build();
        RunId runId = new RunId(new UUID(9, 9));
        ArtifactId snapshot = stores.artifacts().put(new ArtifactKind.ContextSnapshot(), "{}".getBytes());
        stores.artifacts()
                .put(new ArtifactKind.Manifest(), dev.cairn.json.Canonical.canonicalize(Wire.toTree(start.manifest())));
        List<EventEnvelope> batch = new ArrayList<>();
        long seq = 0;
        batch.add(EventEnvelope.kernel(
                runId, ++seq, new KernelEvent.RunStarted(plan.opId(), start.manifestId(), snapshot)));
        for (int i = 0; i < n - 1; i++) {
            StateId id = plan.graph().states().get(i).id();
            batch.add(EventEnvelope.kernel(runId, ++seq, new KernelEvent.StateEntered(id, 0, snapshot)));
            batch.add(EventEnvelope.kernel(runId, ++seq, new KernelEvent.StateCompleted(id, snapshot)));
            if (batch.size() >= 10_000) {
                stores.events().append(runId, seq - batch.size(), batch);
                batch = new ArrayList<>();
            }
        }
        stores.events().append(runId, seq - batch.size(), batch);
        measureResume("resume-chain", stores, runId, plan, seq);
    }

    /** Two states; the first emitted a million domain events. */
    static void resumeDomainHeavy(int events) {
        ExecutionPlan plan = Plan.builder("heavy")
                .pure("emit", ctx -> {})
                .pure("next", ctx -> {})
                .needs("emit")
                .build();
        Stores stores = new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());
        StartRun start = StartRuns.of(plan).build();
        RunId runId = new RunId(new UUID(8, 8));
        ArtifactId snapshot = stores.artifacts().put(new ArtifactKind.ContextSnapshot(), "{}".getBytes());
        stores.artifacts()
                .put(new ArtifactKind.Manifest(), dev.cairn.json.Canonical.canonicalize(Wire.toTree(start.manifest())));
        StateId emit = plan.graph().states().get(0).id();
        List<EventEnvelope> batch = new ArrayList<>();
        long seq = 0;
        batch.add(EventEnvelope.kernel(
                runId, ++seq, new KernelEvent.RunStarted(plan.opId(), start.manifestId(), snapshot)));
        batch.add(EventEnvelope.kernel(runId, ++seq, new KernelEvent.StateEntered(emit, 0, snapshot)));
        var payload = Wire.mapper().createObjectNode().put("n", 1);
        var domain = dev.cairn.machine.events.DomainEvent.of("progress", payload);
        while (seq < events - 1) {
            batch.add(EventEnvelope.domain(runId, ++seq, domain));
            if (batch.size() >= 10_000) {
                stores.events().append(runId, seq - batch.size(), batch);
                batch = new ArrayList<>();
            }
        }
        batch.add(EventEnvelope.kernel(runId, ++seq, new KernelEvent.StateCompleted(emit, snapshot)));
        stores.events().append(runId, seq - batch.size(), batch);
        measureResume("resume-domain-heavy", stores, runId, plan, seq);
    }

    static void measureResume(String name, Stores stores, RunId runId, ExecutionPlan plan, long events) {
        System.gc();
        long heapBefore = usedHeap();
        AtomicLong firstState = new AtomicLong();
        long t0 = System.nanoTime();
        Engine engine = Engine.builder()
                .planResolver(m -> plan)
                .transitionListener((r, state, move) -> {
                    if (firstState.get() == 0 && move.to() == AttemptLifecycle.RUNNING) {
                        firstState.set(System.nanoTime());
                    }
                })
                .build();
        RunResult result = engine.resume(stores, runId);
        double toFirst = (firstState.get() - t0) / 1e9;
        System.out.printf(
                "{\"workload\":\"%s\",\"events\":%d,\"seconds_to_first_new_state\":%.3f,\"phase\":\"%s\",\"heap_before_mb\":%d}%n",
                name, events, toFirst, result.phase(), heapBefore >> 20);
    }

    /** What a persistent store pays to decode: 1M envelopes through the wire codec. */
    static void decode(int n) {
        RunId runId = new RunId(new UUID(7, 7));
        StateId id = new StateId("chain.main.s1");
        ArtifactId snapshot = new ArtifactId("a".repeat(64));
        List<byte[]> rows = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            KernelEvent e = i % 2 == 0
                    ? new KernelEvent.StateEntered(id, 0, snapshot)
                    : new KernelEvent.StateCompleted(id, snapshot);
            rows.add(
                    Wire.writeBytes(new EventEnvelope(runId, i, Optional.of(1_767_225_600_000L), new Event.Kernel(e))));
        }
        long t0 = System.nanoTime();
        long sum = 0;
        for (byte[] row : rows) {
            sum += Wire.read(row, EventEnvelope.class).seq();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "{\"workload\":\"decode-envelopes\",\"events\":%d,\"events_per_s\":%.0f,\"seconds\":%.3f,\"check\":%d}%n",
                n, n / secs, secs, sum);
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
