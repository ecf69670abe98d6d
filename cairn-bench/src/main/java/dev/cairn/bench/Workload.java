package dev.cairn.bench;

/**
 * A named benchmark that {@code cairn bench NAME} runs. Implementations are registered with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.cairn.bench.Workload}) and need a
 * public no-argument constructor; {@link Workloads} finds them.
 *
 * <p>A workload measures its subject and, in the same run and under the same settings, the
 * baseline it is judged against, so that the ratio holds on any machine even when absolute figures
 * drift. Use {@link Harness} for the timing.
 */
public interface Workload {

    /** Stable kebab-case name, e.g. {@code canonical-hash}. */
    String name();

    /** One line saying what is measured and against which baseline. */
    String description();

    /**
     * What {@link #run} will do with these settings, in a few words for the line {@code cairn bench}
     * prints before it starts, e.g. {@code 3 warm-up and 7 recorded rounds per task, 300 ms each}.
     * A workload that reads the settings otherwise (samples instead of timed rounds) says so.
     */
    default String plan(BenchSettings settings) {
        return settings.warmupRounds() + " warm-up and " + settings.rounds() + " recorded rounds per task"
                + (settings.iterations() > 0
                        ? ", " + settings.iterations() + " operations each"
                        : ", " + settings.roundDuration().toMillis() + " ms each");
    }

    /** Runs the workload and reports its figures; blocking, may take seconds. */
    BenchReport run(BenchSettings settings);
}
