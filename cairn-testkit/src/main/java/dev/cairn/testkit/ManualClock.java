package dev.cairn.testkit;

import dev.cairn.machine.time.Clock;
import dev.cairn.machine.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock that moves only when told to, and a sleeper that advances it instead of sleeping, so
 * retries with backoff run instantly and their delays can be asserted.
 */
public final class ManualClock implements Clock, Sleeper {

    private long nowMillis;
    private final List<Duration> sleeps = new ArrayList<>();

    public ManualClock(long startMillis) {
        this.nowMillis = startMillis;
    }

    /** Starts at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_767_225_600_000L);
    }

    @Override
    public synchronized long nowMillis() {
        return nowMillis;
    }

    /** Moves the clock forward. */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a manual clock only moves forward, got " + by);
        }
        nowMillis += by.toMillis();
    }

    @Override
    public synchronized void sleep(Duration duration) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before sleeping " + duration);
        }
        sleeps.add(duration);
        nowMillis += duration.toMillis();
    }

    /** Every duration passed to {@link #sleep}, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
