package dev.cairn.bench.kernel;

import dev.cairn.bench.BenchException;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Goal;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.StartRuns;
import dev.cairn.machine.stores.ArtifactKind;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code resume}: the time from {@code engine.resume(runId)} to the first new state's handler, for a
 * run whose log on the SQLite store holds 1,000,000 events, in two shapes:
 *
 * <ul>
 *   <li>{@code chain}: a run of 500,000 sequential states, 499,999 of them completed and the last one
 *       entered when the process died: all 1,000,000 events are kernel events, and resume re-runs
 *       the last state (the plan itself, 500,000 states, is built before the clock starts, as a
 *       long-lived process would have it);
 *   <li>{@code domain}: a run of 2 states whose first emitted 999,996 operation events, the second
 *       entered when the process died.
 * </ul>
 *
 * <p>The logs are built by direct appends of 10,000 events. To time every round on the same log, the
 * first new state's handler records the time and then throws an {@link Error}, which stops the engine
 * as a crash would: its {@code StateEntered} was still in the (batched) buffer, so the log is left as
 * it was (checked after every round).
 *
 * <p>Memory: {@code retained_heap_mb} is the live heap (after a full GC) at the first new state minus
 * the live heap before the resume: what the resumed run holds. {@code allocated_mb} is every byte the
 * JVM allocated during the resume (all threads). Goal: under 2 s to the first new state, with the
 * retained heap bounded by the number of states and facts, not events.
 */
public final class ResumeWorkload implements Workload {

    /** Events in each log. */
    public static final int EVENTS = 1_000_000;

    /** The goal, in seconds to the first new state. */
    public static final double GOAL_SECONDS = 2.0;

    private static final int BATCH = 10_000;

    private final int events;

    /** The workload as {@code cairn bench resume} runs it: logs of {@value #EVENTS} events. */
    public ResumeWorkload() {
        this(EVENTS);
    }

    /** A smaller workload of the same shapes (tests); {@code events} is even, at least 8. */
    ResumeWorkload(int events) {
        this.events = events;
    }

    @Override
    public String name() {
        return "resume";
    }

    @Override
    public String description() {
        return "resume of a run whose SQLite log holds 1,000,000 events (kernel-only and domain-heavy),"
                + " time to the first new state and memory (goal: < 2 s)";
    }

    /** Stops the engine at the first new state, like a crash, so the log stays as it was. */
    private static final class FirstNewState extends Error {
        private static final long serialVersionUID = 1L;

        FirstNewState() {
            super("first new state reached", null, false, false);
        }
    }

    private record Shape(String name, ExecutionPlan plan, RunId runId, long head) {}

    /** One resume up to its first new state, and what it cost. Not thread-safe: one resume at a time. */
    private final class Probe {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private volatile boolean measureMemory;
        private volatile long reachedNanos;
        private volatile long reachedCpu;
        private volatile long heapAtFirstState;

        double seconds;
        double cpuSeconds;
        long allocated;
        long retainedBytes;

        /** The first new state's handler: stops the clock, then the engine (like a crash). */
        void firstNewState() {
            reachedNanos = System.nanoTime();
            reachedCpu = ProcessCpu.nanos();
            if (measureMemory) {
                System.gc();
                heapAtFirstState = memory.getHeapMemoryUsage().getUsed();
            }
            throw new FirstNewState();
        }

        void resume(BenchStores stores, Shape shape, boolean withMemory) {
            Engine engine =
                    Engine.builder().planResolver(manifest -> shape.plan()).build();
            measureMemory = withMemory;
            long heapBefore = 0;
            if (withMemory) {
                System.gc();
                heapBefore = memory.getHeapMemoryUsage().getUsed();
            }
            reachedNanos = 0;
            long allocatedBefore = threads.getTotalThreadAllocatedBytes();
            long cpuBefore = ProcessCpu.nanos();
            long start = System.nanoTime();
            try {
                engine.resume(stores.stores, shape.runId());
                throw BenchException.selfCheckFailed(name(), shape.name() + ": the run ended without a new state");
            } catch (FirstNewState expected) {
                // the first new state ran: the clock stopped there
            }
            allocated = threads.getTotalThreadAllocatedBytes() - allocatedBefore;
            long head = stores.events.headSeq(shape.runId());
            if (reachedNanos == 0 || head != shape.head()) {
                throw BenchException.selfCheckFailed(
                        name(), shape.name() + ": the log moved from " + shape.head() + " to " + head);
            }
            seconds = (reachedNanos - start) / 1e9;
            cpuSeconds = (reachedCpu - cpuBefore) / 1e9;
            retainedBytes = withMemory ? Math.max(0, heapAtFirstState - heapBefore) : 0;
        }
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        try (BenchStores stores = BenchStores.open(name())) {
            Probe probe0 = new Probe();
            long t0 = System.nanoTime();
            Shape chain = chain(stores, probe0::firstNewState);
            Shape domain = domain(stores, probe0::firstNewState);
            double setupSeconds = (System.nanoTime() - t0) / 1e9;

            FsyncProbe probe = new FsyncProbe(stores.dir);
            // Timed rounds: nothing forces a GC (a forced full GC shrinks the heap and changes what
            // the next resume pays for collection).
            Rounds.Samples m = Rounds.run(settings, probe, out -> {
                for (Shape shape : List.of(chain, domain)) {
                    probe0.resume(stores, shape, false);
                    out.add(shape.name() + "_seconds_to_first_state", probe0.seconds);
                    out.add(shape.name() + "_allocated_mb", probe0.allocated / 1e6);
                    out.add(shape.name() + "_process_cpu_s", probe0.cpuSeconds);
                }
            });
            // Then one resume of each with the live heap measured (full GCs before and at the first state).
            double[] retained = new double[2];
            for (int k = 0; k < 2; k++) {
                probe0.resume(stores, k == 0 ? chain : domain, true);
                retained[k] = probe0.retainedBytes / 1e6;
            }
            probe.delete();
            Figure chainSeconds = m.figure("chain_seconds_to_first_state", "s");
            Figure domainSeconds = m.figure("domain_seconds_to_first_state", "s");
            return new BenchReport(
                    name(),
                    BenchReport.Environment.current(),
                    Rounds.reported(settings),
                    List.of(
                            Input.count("chain_events", chain.head()),
                            Input.count(
                                    "chain_states",
                                    chain.plan().graph().states().size()),
                            Input.count("domain_events", domain.head()),
                            Input.documents("sqlite_database", 1, stores.databaseBytes())),
                    List.of(
                            chainSeconds,
                            Figure.of("chain_retained_heap_mb", "MB", new double[] {retained[0]}),
                            m.figure("chain_allocated_mb", "MB"),
                            m.figure("chain_process_cpu_s", "s"),
                            domainSeconds,
                            Figure.of("domain_retained_heap_mb", "MB", new double[] {retained[1]}),
                            m.figure("domain_allocated_mb", "MB"),
                            m.figure("domain_process_cpu_s", "s"),
                            Figure.of("setup_events_per_s", "events/s", new double[] {2.0 * events / setupSeconds})),
                    List.of(m.figure("fsync_raw", "fsyncs/s"), m.figure("load_average", "threads")),
                    List.of(),
                    List.of(
                            Goal.atMost("chain_seconds_to_first_state_goal", chainSeconds, GOAL_SECONDS),
                            Goal.atMost("domain_seconds_to_first_state_goal", domainSeconds, GOAL_SECONDS)));
        }
    }

    /** 500,000 states; the log: RunStarted, 499,999 × (entered, completed), the last state entered. */
    private Shape chain(BenchStores stores, Runnable onFirstState) {
        int n = events / 2;
        Plan.Builder b = Plan.builder("bench_resume_chain");
        for (int i = 0; i < n; i++) {
            b.pure("s" + i, i == n - 1 ? ctx -> onFirstState.run() : ctx -> {});
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        ExecutionPlan plan = b.build();
        RunId runId = new RunId(new UUID(0xBE7C4, 1));
        Log log = new Log(stores, runId, plan);
        List<StateId> ids = plan.graph().states().stream().map(s -> s.id()).toList();
        for (int i = 0; i < n - 1; i++) {
            log.kernel(new KernelEvent.StateEntered(ids.get(i), 0, log.snapshot));
            log.kernel(new KernelEvent.StateCompleted(ids.get(i), log.snapshot));
        }
        log.kernel(new KernelEvent.StateEntered(ids.get(n - 1), 0, log.snapshot));
        return new Shape("chain", plan, runId, log.flush());
    }

    /** 2 states; the log: RunStarted, the first entered, 999,996 operation events, completed, the second entered. */
    private Shape domain(BenchStores stores, Runnable onFirstState) {
        ExecutionPlan plan = Plan.builder("bench_resume_domain")
                .pure("emit", ctx -> {})
                .pure("next", ctx -> onFirstState.run())
                .needs("emit")
                .build();
        RunId runId = new RunId(new UUID(0xBE7C4, 2));
        Log log = new Log(stores, runId, plan);
        StateId emit = plan.graph().states().get(0).id();
        StateId next = plan.graph().states().get(1).id();
        log.kernel(new KernelEvent.StateEntered(emit, 0, log.snapshot));
        for (int i = 0; i < events - 4; i++) {
            log.domain(DomainEvent.of(
                    "progress", Wire.mapper().createObjectNode().put("item", i).put("of", events - 4)));
        }
        log.kernel(new KernelEvent.StateCompleted(emit, log.snapshot));
        log.kernel(new KernelEvent.StateEntered(next, 0, log.snapshot));
        return new Shape("domain", plan, runId, log.flush());
    }

    /** A log written straight to the event store in batches of {@value #BATCH}. */
    private static final class Log {
        private static final long TS = 1_767_225_600_000L;

        final BenchStores stores;
        final RunId runId;
        final ArtifactId snapshot;
        private final List<EventEnvelope> batch = new ArrayList<>(BATCH);
        private long seq;
        private long head;

        Log(BenchStores stores, RunId runId, ExecutionPlan plan) {
            this.stores = stores;
            this.runId = runId;
            StartRun start = StartRuns.of(plan).build();
            this.snapshot =
                    stores.artifacts.put(new ArtifactKind.ContextSnapshot(), "{}".getBytes(StandardCharsets.UTF_8));
            ArtifactId manifest = stores.artifacts.put(
                    new ArtifactKind.Manifest(), Canonical.canonicalize(Wire.toTree(start.manifest())));
            kernel(new KernelEvent.RunStarted(plan.opId(), manifest, snapshot));
        }

        void kernel(KernelEvent event) {
            add(new Event.Kernel(event));
        }

        void domain(DomainEvent event) {
            add(new Event.Domain(event));
        }

        private void add(Event event) {
            batch.add(new EventEnvelope(runId, ++seq, Optional.of(TS + seq), event));
            if (batch.size() == BATCH) {
                flush();
            }
        }

        long flush() {
            if (!batch.isEmpty()) {
                head = stores.events.append(runId, head, batch);
                batch.clear();
            }
            return head;
        }
    }
}
