package dev.cairn.bench.stack;

import dev.cairn.bench.BenchReport.Figure;
import java.util.Arrays;

/** Latency samples in milliseconds, and their figures: the median (p50) with min and max, and p99. */
final class Latencies {

    private double[] millis = new double[64];
    private int size;

    void add(long nanos) {
        if (size == millis.length) {
            millis = Arrays.copyOf(millis, size * 2);
        }
        millis[size++] = nanos / 1e6;
    }

    int size() {
        return size;
    }

    /** {@code name}: p50 as the median, min and max of the samples, {@code rounds} the sample count. */
    Figure p50(String name) {
        return Figure.of(name, "ms", Arrays.copyOf(millis, size));
    }

    /** {@code name}: the 99th percentile (nearest rank) as median, min and max; {@code rounds} the sample count. */
    Figure p99(String name) {
        double p99 = percentile(0.99);
        return new Figure(name, "ms", p99, p99, p99, size);
    }

    /** The nearest-rank percentile {@code q} (0 < q ≤ 1) of the samples. */
    double percentile(double q) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        double[] sorted = Arrays.copyOf(millis, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * size);
        return sorted[Math.clamp(rank - 1, 0, size - 1)];
    }
}
