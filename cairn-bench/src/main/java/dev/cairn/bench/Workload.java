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

    /** Runs the workload and reports its figures; blocking, may take seconds. */
    BenchReport run(BenchSettings settings);
}
