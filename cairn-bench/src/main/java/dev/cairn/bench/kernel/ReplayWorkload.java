package dev.cairn.bench.kernel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.bench.BenchException;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.JsonContext;
import dev.cairn.machine.runtime.Plan;
import dev.cairn.machine.runtime.ReplayReport;
import dev.cairn.machine.runtime.StartRuns;
import java.util.List;

/**
 * {@code replay}: replay-verified runs and what a context snapshot costs, on the SQLite and
 * filesystem stores with fsync on.
 *
 * <p>Each round runs, on the same stores:
 *
 * <ol>
 *   <li>{@code noop}: a sequential run of 1,000 {@code Pure} states that write nothing (no snapshot is
 *       made: a state that writes nothing completes with its base snapshot);
 *   <li>{@code writing}: the same chain, each state writing one key of a context that also holds a
 *       payload of about {@value #PAYLOAD_BYTES} bytes, and recording one fact (so replay has facts
 *       to read): every state makes a new snapshot (canonical JSON, SHA-256, a deferred put, synced
 *       at the next barrier);
 *   <li>{@code engine.replay} of the writing run: the plan re-executed in Replay mode from its facts
 *       into a new run, every snapshot id compared with the original's.
 * </ol>
 *
 * <p>Figures: replay throughput in events of the original log per second (and states verified per
 * second); the snapshot cost per state, {@code (writing − noop) / 1,000} in µs — the time that
 * hashing and storing the context adds to a state (the fact each writing state records is included:
 * recording a value is a snapshot-like put of its own) — and the snapshot size in bytes.
 */
public final class ReplayWorkload implements Workload {

    /** States per run. */
    public static final int STATES = 1_000;

    /** Size of the payload the context carries besides the counter. */
    public static final int PAYLOAD_BYTES = 1_024;

    private final int states;

    /** The workload as {@code cairn bench replay} runs it: runs of {@value #STATES} states. */
    public ReplayWorkload() {
        this(STATES);
    }

    /** A smaller workload of the same shape (tests). */
    ReplayWorkload(int states) {
        this.states = states;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String description() {
        return "replay of a 1,000-state run (events/s) and the snapshot cost per state (us, bytes)"
                + " on SQLite + fs stores, fsync on";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        ExecutionPlan noop = chain("bench_replay_noop", false);
        ExecutionPlan writing = chain("bench_replay", true);
        try (BenchStores stores = BenchStores.open(name())) {
            Engine engine = Engine.builder()
                    .planResolver(manifest -> manifest.opId().equals(writing.opId()) ? writing : noop)
                    .build();
            FsyncProbe probe = new FsyncProbe(stores.dir);
            long[] snapshotBytes = new long[1];
            long[] events = new long[1];
            int[] round = new int[1];
            Rounds.Samples m = Rounds.run(settings, probe, out -> {
                // A context unlike any earlier round's, so every snapshot is new to the store.
                JsonContext initial =
                        JsonContext.empty().with("round", round[0]++).with("payload", "p".repeat(PAYLOAD_BYTES));
                long t0 = System.nanoTime();
                RunResult plain = engine.start(
                        stores.stores,
                        StartRuns.of(noop).initialContext(initial).build());
                long t1 = System.nanoTime();
                long deferred = stores.deferredPuts();
                RunResult written = engine.start(
                        stores.stores,
                        StartRuns.of(writing).initialContext(initial).build());
                long t2 = System.nanoTime();
                long puts = stores.deferredPuts() - deferred;
                ReplayReport replay = engine.replay(stores.stores, written.runId());
                long t3 = System.nanoTime();

                events[0] = stores.events.headSeq(written.runId());
                if (plain.phase() != RunPhase.COMPLETED
                        || written.phase() != RunPhase.COMPLETED
                        || replay.divergence().isPresent()
                        || replay.statesVerified() != states
                        || puts < states) {
                    throw BenchException.selfCheckFailed(
                            name(),
                            "runs ended " + plain.phase() + "/" + written.phase() + ", replay verified "
                                    + replay.statesVerified() + " states (divergence " + replay.divergence()
                                    + "), " + puts + " blobs stored");
                }
                snapshotBytes[0] =
                        stores.artifacts.get(written.finalSnapshotId().orElseThrow()).length;
                double replaySeconds = (t3 - t2) / 1e9;
                out.add("replay_events_per_s", events[0] / replaySeconds);
                out.add("replay_states_per_s", states / replaySeconds);
                out.add("snapshot_us_per_state", ((t2 - t1) - (t1 - t0)) / 1e3 / states);
                out.add("noop_us_per_state", (t1 - t0) / 1e3 / states);
                out.add("writing_us_per_state", (t2 - t1) / 1e3 / states);
            });
            probe.delete();
            return new BenchReport(
                    name(),
                    BenchReport.Environment.current(),
                    Rounds.reported(settings),
                    List.of(
                            Input.count("states_per_run", states),
                            Input.count("original_events", events[0]),
                            Input.documents("snapshot", 1, snapshotBytes[0])),
                    List.of(
                            m.figure("replay_events_per_s", "events/s"),
                            m.figure("replay_states_per_s", "states/s"),
                            m.figure("snapshot_us_per_state", "us"),
                            Figure.of("snapshot_bytes", "bytes", new double[] {snapshotBytes[0]}),
                            m.figure("noop_us_per_state", "us"),
                            m.figure("writing_us_per_state", "us")),
                    List.of(m.figure("fsync_raw", "fsyncs/s"), m.figure("load_average", "threads")),
                    List.of(),
                    List.of());
        }
    }

    /** {@code s0 → s1 → …}; when {@code writing}, state i writes {@code counter = i} and records a fact. */
    private ExecutionPlan chain(String op, boolean writing) {
        Plan.Builder b = Plan.builder(op);
        for (int i = 0; i < states; i++) {
            int n = i;
            b.pure(
                    "s" + i,
                    writing
                            ? ctx -> {
                                ctx.put("counter", n);
                                ctx.io().recordValue(new FactKey("step:" + n), JsonNodeFactory.instance.numberNode(n));
                            }
                            : ctx -> {});
            if (i > 0) {
                b.needs("s" + (i - 1));
            }
        }
        return b.build();
    }
}
