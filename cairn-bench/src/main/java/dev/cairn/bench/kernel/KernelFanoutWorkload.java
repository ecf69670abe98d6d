package dev.cairn.bench.kernel;

import dev.cairn.bench.BenchException;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Goal;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.StartRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code kernel-fanout}: 1,000 runs started at once, each of 10 no-op {@code Pure} states in one
 * {@code FanOutJoin} wave, on the SQLite event store and the filesystem artifact store with fsync on
 * (the engine's default batched durability).
 *
 * <p>A <em>state transition</em> is one state attempt that ran and completed (its {@code
 * StateEntered} … {@code StateCompleted}): 10,000 per round. Events appended are reported too: 22
 * per run ({@code RunStarted}, 10 × 2, {@code RunCompleted}). Goal: 20,000 state transitions/s or
 * more on 2 cores.
 */
public final class KernelFanoutWorkload implements Workload {

    /** Runs per round. */
    public static final int RUNS = 1000;

    /** States per run. */
    public static final int STATES = 10;

    /** The goal, in state transitions per second. */
    public static final double GOAL = 20_000;

    private final int runs;
    private final int states;

    /** The workload as {@code cairn bench kernel-fanout} runs it: {@value #RUNS} runs of {@value #STATES} states. */
    public KernelFanoutWorkload() {
        this(RUNS, STATES);
    }

    /** A smaller workload of the same shape (tests). */
    KernelFanoutWorkload(int runs, int states) {
        this.runs = runs;
        this.states = states;
    }

    @Override
    public String name() {
        return "kernel-fanout";
    }

    @Override
    public String description() {
        return "1,000 concurrent runs x 10 no-op Pure states (FanOutJoin) on SQLite + fs stores, fsync on"
                + " (goal: >= 20,000 state transitions/s)";
    }

    /** A run of {@code states} no-op {@code Pure} states in one {@code FanOutJoin} wave. */
    static StartRun fanout(int states) {
        Plan.Builder b = Plan.builder("bench_fanout");
        for (int i = 0; i < states; i++) {
            b.pure("s" + i, ctx -> {});
        }
        ExecutionPlan plan = b.build();
        return StartRuns.of(plan)
                .runConfig(RunConfig.builder()
                        .executionMode(new ExecutionMode.FanOutJoin(states))
                        .build())
                .build();
    }

    /** Starts {@code runs} runs at once, each on its own virtual thread; their results when all ended. */
    static List<RunResult> startAll(Engine engine, BenchStores stores, StartRun start, int runs) throws Exception {
        List<RunResult> results = new ArrayList<>(runs);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RunResult>> started = new ArrayList<>(runs);
            for (int r = 0; r < runs; r++) {
                started.add(pool.submit(() -> engine.start(stores.stores, start)));
            }
            for (Future<RunResult> f : started) {
                results.add(f.get());
            }
        }
        return results;
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        StartRun start = fanout(states);
        long eventsPerRun = 2L * states + 2;
        try (BenchStores stores = BenchStores.open(name())) {
            Engine engine = Engine.builder().build();
            FsyncProbe probe = new FsyncProbe(stores.dir);
            List<RunResult> last = new ArrayList<>();
            Rounds.Samples m = Rounds.run(settings, probe, out -> {
                long commits = stores.commits();
                long syncs = stores.syncs();
                long cpu = ProcessCpu.nanos();
                long t0 = System.nanoTime();
                List<RunResult> results = startAll(engine, stores, start, runs);
                double seconds = (System.nanoTime() - t0) / 1e9;
                cpu = ProcessCpu.nanos() - cpu;
                commits = stores.commits() - commits;
                syncs = stores.syncs() - syncs;
                out.add("state_transitions_per_s", runs * states / seconds);
                out.add("events_per_s", runs * eventsPerRun / seconds);
                out.add("runs_per_s", runs / seconds);
                out.add("sqlite_commits_per_s", commits / seconds);
                out.add("events_per_sqlite_commit", runs * eventsPerRun / (double) Math.max(1, commits));
                out.add("artifact_syncs_per_run", syncs / (double) runs);
                out.add("process_cpu_us_per_transition", cpu / 1e3 / (runs * states));
                out.add(
                        "process_cpu_share",
                        cpu / 1e9 / seconds / Runtime.getRuntime().availableProcessors());
                last.clear();
                last.addAll(results);
            });
            selfCheck(stores, last, eventsPerRun);
            probe.delete();
            Figure transitions = m.figure("state_transitions_per_s", "transitions/s");
            return new BenchReport(
                    name(),
                    BenchReport.Environment.current(),
                    Rounds.reported(settings),
                    List.of(
                            Input.count("runs_per_round", runs),
                            Input.count("states_per_run", states),
                            Input.count("events_per_run", eventsPerRun)),
                    List.of(
                            transitions,
                            m.figure("events_per_s", "events/s"),
                            m.figure("runs_per_s", "runs/s"),
                            m.figure("sqlite_commits_per_s", "commits/s"),
                            m.figure("events_per_sqlite_commit", "events"),
                            m.figure("artifact_syncs_per_run", "syncs"),
                            m.figure("process_cpu_us_per_transition", "us"),
                            m.figure("process_cpu_share", "of all cores")),
                    List.of(m.figure("fsync_raw", "fsyncs/s"), m.figure("load_average", "threads")),
                    List.of(BenchReport.Ratio.of(
                            "sqlite_commits_vs_fsync_raw",
                            m.figure("sqlite_commits_per_s", "commits/s"),
                            m.figure("fsync_raw", "fsyncs/s"),
                            Optional.empty())),
                    List.of(Goal.atLeast("state_transitions_per_s_goal", transitions, GOAL)));
        }
    }

    /**
     * The kernel-fanout round on its own, for workloads that print the plain kernel figure beside
     * theirs ({@code cairn bench tasks}): {@code runs} runs of {@code states} no-op states started at
     * once on fresh embedded stores, fsync on, one round per {@link #round()}.
     */
    public static final class Baseline implements AutoCloseable {
        private final int runs;
        private final int states;
        private final StartRun start;
        private final BenchStores stores;
        private final Engine engine = Engine.builder().build();

        private Baseline(int runs, int states) {
            this.runs = runs;
            this.states = states;
            this.start = fanout(states);
            this.stores = BenchStores.open("kernel-baseline");
        }

        /** Opens the stores of the baseline (a fresh directory, deleted on {@link #close()}). */
        public static Baseline open(int runs, int states) {
            if (runs < 1 || states < 1) {
                throw BenchException.invalidSettings(
                        "the kernel baseline needs at least 1 run of 1 state, got " + runs + " x " + states);
            }
            return new Baseline(runs, states);
        }

        /**
         * One round, timed with the wall clock: state transitions per second.
         *
         * @throws BenchException {@code bench_self_check_failed} when a run did not complete
         */
        public double round() {
            long t0 = System.nanoTime();
            List<RunResult> results;
            try {
                results = startAll(engine, stores, start, runs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (RunResult r : results) {
                if (r.phase() != RunPhase.COMPLETED) {
                    throw BenchException.selfCheckFailed(
                            "kernel-fanout", "baseline run " + r.runId() + " ended " + r.phase());
                }
            }
            return (double) runs * states / seconds;
        }

        @Override
        public void close() {
            stores.close();
        }
    }

    private void selfCheck(BenchStores stores, List<RunResult> results, long eventsPerRun) {
        if (results.size() != runs) {
            throw BenchException.selfCheckFailed(name(), results.size() + " runs ended, expected " + runs);
        }
        for (RunResult r : results) {
            if (r.phase() != RunPhase.COMPLETED) {
                throw BenchException.selfCheckFailed(name(), "run " + r.runId() + " ended " + r.phase());
            }
        }
        long head = stores.events.headSeq(results.getFirst().runId());
        if (head != eventsPerRun) {
            throw BenchException.selfCheckFailed(name(), "a run has " + head + " events, expected " + eventsPerRun);
        }
    }
}
