package dev.cairn.bench.kernel;

import dev.cairn.bench.BenchException;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Goal;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.StartRuns;
import java.util.List;
import java.util.Optional;

/**
 * {@code kernel-chain}: one sequential run of 10,000 no-op {@code Pure} states, each depending on
 * the previous one, on the SQLite and filesystem stores with fsync on (the engine's default batched
 * durability: {@code Pure} states need no barrier, so events are appended in batches of up to 1,024
 * or every 200 ms). Goal: 4,000 states/s or more.
 */
public final class KernelChainWorkload implements Workload {

    /** States in the run. */
    public static final int STATES = 10_000;

    /** The goal, in states per second. */
    public static final double GOAL = 4_000;

    private final int states;

    /** The workload as {@code cairn bench kernel-chain} runs it: {@value #STATES} states. */
    public KernelChainWorkload() {
        this(STATES);
    }

    /** A smaller workload of the same shape (tests). */
    KernelChainWorkload(int states) {
        this.states = states;
    }

    @Override
    public String name() {
        return "kernel-chain";
    }

    @Override
    public String description() {
        return "one sequential run of 10,000 no-op Pure states on SQLite + fs stores, fsync on"
                + " (goal: >= 4,000 states/s)";
    }

    /** A chain of {@code n} no-op states {@code s0 → s1 → …}. */
    static ExecutionPlan chain(String op, int n) {
        Plan.Builder b = Plan.builder(op);
        for (int i = 0; i < n; i++) {
            b.pure("s" + i, ctx -> {});
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        return b.build();
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        ExecutionPlan plan = chain("bench_chain", states);
        long events = 2L * states + 2;
        try (BenchStores stores = BenchStores.open(name())) {
            Engine engine = Engine.builder().build();
            FsyncProbe probe = new FsyncProbe(stores.dir);
            Rounds.Samples m = Rounds.run(settings, probe, out -> {
                long commits = stores.commits();
                long cpu = ProcessCpu.nanos();
                long t0 = System.nanoTime();
                RunResult result =
                        engine.start(stores.stores, StartRuns.of(plan).build());
                double seconds = (System.nanoTime() - t0) / 1e9;
                cpu = ProcessCpu.nanos() - cpu;
                commits = stores.commits() - commits;
                if (result.phase() != RunPhase.COMPLETED || stores.events.headSeq(result.runId()) != events) {
                    throw BenchException.selfCheckFailed(
                            name(),
                            "the run ended " + result.phase() + " with " + stores.events.headSeq(result.runId())
                                    + " events, expected " + events);
                }
                out.add("states_per_s", states / seconds);
                out.add("events_per_s", events / seconds);
                out.add("sqlite_commits_per_run", commits);
                out.add("process_cpu_us_per_state", cpu / 1e3 / states);
            });
            probe.delete();
            Figure perSecond = m.figure("states_per_s", "states/s");
            return new BenchReport(
                    name(),
                    BenchReport.Environment.current(),
                    Rounds.reported(settings),
                    List.of(Input.count("states", states), Input.count("events_per_run", events)),
                    List.of(
                            perSecond,
                            m.figure("events_per_s", "events/s"),
                            m.figure("sqlite_commits_per_run", "commits"),
                            m.figure("process_cpu_us_per_state", "us")),
                    List.of(m.figure("fsync_raw", "fsyncs/s"), m.figure("load_average", "threads")),
                    List.of(BenchReport.Ratio.of(
                            "states_vs_fsync_raw", perSecond, m.figure("fsync_raw", "fsyncs/s"), Optional.empty())),
                    List.of(Goal.atLeast("states_per_s_goal", perSecond, GOAL)));
        }
    }
}
