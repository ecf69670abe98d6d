package dev.cairn.bench.kernel;

import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rounds of a kernel workload. A round is one operation of the workload (e.g. 1,000 runs),
 * timed with the wall clock: the work spans many threads (handlers, the SQLite writer, fsyncs), so
 * the measuring thread's CPU time would mean nothing. Each round is followed by a round of the raw
 * fsync probe on the same disk, so the workload and its bound see the same machine. The first
 * {@code warmupRounds} rounds are not recorded.
 */
final class Rounds {

    /** One round of the workload; records its figures into {@code out}. */
    @FunctionalInterface
    interface Round {
        void run(Samples out) throws Exception;
    }

    /** Values per figure name, one per recorded round, in insertion order of the names. */
    static final class Samples {
        private final Map<String, List<Double>> values = new LinkedHashMap<>();

        void add(String name, double value) {
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }

        BenchReport.Figure figure(String name, String unit) {
            List<Double> v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no samples for " + name);
            }
            return BenchReport.Figure.of(
                    name, unit, v.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private Rounds() {}

    /**
     * Runs the rounds; the recorded samples include, per round, {@code fsync_raw} (fsyncs/s) and
     * {@code load_average} (the system's one-minute load average after the round: how many threads
     * of all processes wanted the machine's cores).
     */
    static Samples run(BenchSettings settings, FsyncProbe probe, Round round) {
        Samples recorded = new Samples();
        for (int r = 0; r < settings.warmupRounds() + settings.rounds(); r++) {
            Samples out = r < settings.warmupRounds() ? new Samples() : recorded;
            try {
                round.run(out);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            out.add("fsync_raw", probe.measure(settings.roundDuration()));
            out.add("load_average", ProcessCpu.loadAverage());
        }
        return recorded;
    }

    /** The settings as reported: one operation per round, wall clock. */
    static BenchReport.Settings reported(BenchSettings settings) {
        return new BenchReport.Settings(
                settings.warmupRounds(),
                settings.rounds(),
                settings.roundDuration().toMillis(),
                1,
                "wall");
    }
}
