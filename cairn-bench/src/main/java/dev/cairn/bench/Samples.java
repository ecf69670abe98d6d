package dev.cairn.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * Times heavy operations one at a time in wall-clock time, each after an untimed setup and followed
 * by an untimed teardown: for workloads where one operation needs a fresh state (an empty directory,
 * an empty store) that a {@link Harness} round cannot provide. Figures are the median, min and max
 * over the recorded samples, in milliseconds.
 */
final class Samples {

    /** Makes the state one operation runs on. */
    @FunctionalInterface
    interface Setup<T> {
        T make() throws Exception;
    }

    /** An operation or a teardown on a state. */
    @FunctionalInterface
    interface Step<T> {
        void run(T state) throws Exception;
    }

    private Samples() {}

    /** Runs {@code warmups} unrecorded operations, then {@code samples} recorded ones; their times in ms. */
    static <T> double[] millis(int warmups, int samples, Setup<T> setup, Step<T> operation, Step<T> teardown) {
        Objects.requireNonNull(operation, "operation");
        double[] out = new double[samples];
        for (int i = 0; i < warmups + samples; i++) {
            try {
                T state = setup.make();
                long start = System.nanoTime();
                operation.run(state);
                long nanos = System.nanoTime() - start;
                teardown.run(state);
                if (i >= warmups) {
                    out[i - warmups] = nanos / 1e6;
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("a benchmark operation failed: " + e, e);
            }
        }
        return out;
    }

    /** The figure of sampled times, in {@code ms}. */
    static BenchReport.Figure figure(String name, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new BenchReport.Figure(
                name, "ms", Harness.median(sorted), sorted[0], sorted[sorted.length - 1], sorted.length);
    }
}
