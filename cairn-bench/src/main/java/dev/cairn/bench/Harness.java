package dev.cairn.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Times operations in rounds: warm-up rounds first, then recorded rounds in which the tasks take
 * turns (task A round 1, task B round 1, A round 2, ...), so that a baseline and its subject see
 * the same machine state. Each round runs one task for the round duration of wall-clock time
 * (checking after every operation), or for exactly {@code iterations} operations.
 *
 * <p>A round's time is the CPU time of the measuring thread when the JVM can measure it, else
 * wall-clock time ({@link #clock()} says which): throughput per core, which other processes on a
 * shared machine disturb much less than they disturb wall-clock time.
 *
 * <p>Operations return a value that the harness folds into {@link #sink()}, so the JIT cannot
 * drop their work.
 */
public final class Harness {

    /** One unit of work; returns anything derived from its result. */
    @FunctionalInterface
    public interface Operation {
        long run();
    }

    /** A named operation to time. */
    public record Task(String name, Operation operation) {
        public Task {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(operation, "operation");
        }
    }

    /** One recorded round: how many operations ran in how many nanoseconds. */
    public record Round(long operations, long nanos) {
        public double operationsPerSecond() {
            return operations * 1e9 / Math.max(1, nanos);
        }
    }

    /** The recorded rounds of one task. */
    public record Measurement(String task, List<Round> rounds) {
        public Measurement {
            rounds = List.copyOf(rounds);
        }

        /**
         * The throughput figure: operations per second times {@code unitsPerOperation} (e.g.
         * bytes per operation / 10^6 for MB/s), median, min and max over the rounds.
         */
        public BenchReport.Figure figure(String name, String unit, double unitsPerOperation) {
            double[] values = rounds.stream()
                    .mapToDouble(r -> r.operationsPerSecond() * unitsPerOperation)
                    .sorted()
                    .toArray();
            return new BenchReport.Figure(
                    name, unit, median(values), values[0], values[values.length - 1], values.length);
        }
    }

    private final BenchSettings settings;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuTime;
    private long sink;

    public Harness(BenchSettings settings) {
        this(settings, false);
    }

    private Harness(BenchSettings settings, boolean wall) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cpuTime = !wall && threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    }

    /**
     * A harness that times rounds in wall-clock time: for operations that wait on the disk or use
     * other threads, whose cost the measuring thread's CPU time does not show.
     */
    public static Harness wallClock(BenchSettings settings) {
        return new Harness(settings, true);
    }

    /** {@code thread_cpu} or {@code wall}: what a round's nanoseconds measure. */
    public String clock() {
        return cpuTime ? "thread_cpu" : "wall";
    }

    private long now() {
        return cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Measures every task; the result lists them in the order given. */
    public List<Measurement> measure(List<Task> tasks) {
        for (int w = 0; w < settings.warmupRounds(); w++) {
            for (Task task : tasks) {
                round(task.operation());
            }
        }
        List<List<Round>> rounds = new ArrayList<>();
        tasks.forEach(t -> rounds.add(new ArrayList<>()));
        for (int r = 0; r < settings.rounds(); r++) {
            for (int t = 0; t < tasks.size(); t++) {
                rounds.get(t).add(round(tasks.get(t).operation()));
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            out.add(new Measurement(tasks.get(t).name(), rounds.get(t)));
        }
        return out;
    }

    private Round round(Operation operation) {
        long operations = 0;
        long start = now();
        if (settings.iterations() > 0) {
            for (; operations < settings.iterations(); operations++) {
                sink += operation.run();
            }
        } else {
            long deadline = System.nanoTime() + settings.roundDuration().toNanos();
            do {
                sink += operation.run();
                operations++;
            } while (System.nanoTime() < deadline);
        }
        return new Round(operations, now() - start);
    }

    /** The folded results of every operation run so far. */
    public long sink() {
        return sink;
    }

    /** Median of the values (mean of the middle two for an even count). */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
