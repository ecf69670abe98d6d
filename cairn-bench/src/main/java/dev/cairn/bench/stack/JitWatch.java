package dev.cairn.bench.stack;

import dev.cairn.bench.BenchSettings;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether the JIT of every JVM a stack workload runs on (the server's, this one, and each remote
 * worker's) has settled during its warm-up: each compiled for at most {@link #SETTLED_SHARE} of the
 * wall time of each of the last {@link #SETTLED_STRETCHES} stretches of the warm-up, by {@link
 * CompilationMXBean#getTotalCompilationTime}. A server's figures are steady-state figures: measured
 * while the compiler threads still take a share of the machine's cores, and before the code the
 * figure is about runs compiled, they are the JVM's warm-up, not the stack's (the workloads say by
 * how much). A JVM that does not tell how long it compiled is left out; when none tells, there is
 * nothing to wait for.
 */
final class JitWatch {

    /**
     * A JVM's JIT is quiet over a stretch when it compiled for at most this share of its wall time.
     * One quiet stretch is not enough ({@link #SETTLED_STRETCHES}): compilation comes in waves, and
     * {@code tasks} recording that began in a lull once measured 670 tasks/s where the settled server
     * does 1,100–1,350.
     */
    static final double SETTLED_SHARE = 0.05;

    /** How many stretches in a row every JIT must be quiet in ({@link #SETTLED_SHARE}). */
    static final int SETTLED_STRETCHES = 5;

    private final Supplier<long[]> readings;
    private long[] before;
    private int quiet;
    private double lastShare = Double.NaN;
    private boolean settled;

    /**
     * @param readings how long each watched JVM's JIT has compiled so far, in ms (-1 for one that
     *     does not tell), always in the same order; read once now, then once per stretch
     */
    JitWatch(Supplier<long[]> readings) {
        this.readings = Objects.requireNonNull(readings, "readings");
        this.before = readings.get();
        this.settled = Arrays.stream(before).allMatch(ms -> ms < 0);
    }

    /**
     * Whether a stack workload's warm-up goes on until the JIT settles: when samples are timed
     * rather than counted ({@code --iterations} absent) and there is a warm-up at all. A counted
     * warm-up (the tests) is exactly its {@code --warmup} rounds.
     */
    static boolean untilSettled(BenchSettings settings) {
        return settings.iterations() == 0 && settings.warmupRounds() > 0;
    }

    /**
     * The watch of a warm-up under {@code settings}: of this JVM and {@code workers} when it goes on
     * until the JIT settles ({@link #untilSettled}), else {@link #none()}.
     */
    static JitWatch forWarmUp(BenchSettings settings, List<ChildWorker> workers) {
        return untilSettled(settings) ? of(workers) : none();
    }

    /** A watch with nothing to watch: settled from the start (a warm-up of a fixed length). */
    static JitWatch none() {
        return new JitWatch(() -> new long[0]);
    }

    /** Watches this JVM's JIT and each of {@code workers}'. */
    static JitWatch of(List<ChildWorker> workers) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<ChildWorker> watched = List.copyOf(workers);
        return new JitWatch(() -> {
            long[] out = new long[1 + watched.size()];
            out[0] = WorkerMain.compilationMillis(jit);
            for (int i = 0; i < watched.size(); i++) {
                out[i + 1] = watched.get(i).compilationMillis();
            }
            return out;
        });
    }

    /**
     * A stretch of {@code wallMillis} of the warm-up ended: reads the JITs again (unless they have
     * settled already) and says whether they have settled now.
     */
    boolean stretchEnded(double wallMillis) {
        if (settled) {
            return true;
        }
        long[] now = readings.get();
        lastShare = busiestShare(before, now, wallMillis);
        quiet = lastShare <= SETTLED_SHARE ? quiet + 1 : 0;
        settled = quiet >= SETTLED_STRETCHES;
        before = now;
        return settled;
    }

    /** Whether every JIT has been quiet for {@link #SETTLED_STRETCHES} stretches in a row. */
    boolean settled() {
        return settled;
    }

    /** The busiest JIT's share of the wall time in the last stretch read; NaN before the first. */
    double lastShare() {
        return lastShare;
    }

    /** The largest share of {@code wallMillis} that one JVM's JIT compiled for between two readings. */
    static double busiestShare(long[] before, long[] now, double wallMillis) {
        double busiest = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] >= 0 && now[i] >= 0) {
                busiest = Math.max(busiest, (now[i] - before[i]) / wallMillis);
            }
        }
        return busiest;
    }
}
