package dev.cairn.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting until something holds, polling briefly, with a generous limit (no timing assertions). */
final class Waits {

    /** How long any one wait may take before the test fails: a loaded CI machine is slow. */
    static final Duration LIMIT = Duration.ofSeconds(90);

    private Waits() {}

    /** Waits until {@code condition} holds; fails with {@code what()} after {@link #LIMIT}. */
    static void until(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIMIT + ": " + what.get());
            }
            pause();
        }
    }

    static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
