package dev.cairn.machine.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * When the engine makes appended events durable (see {@code docs/kernel.md}, "Durability barriers").
 *
 * <p>Whatever the policy, the engine flushes its buffer at every <em>durability barrier</em>: before a
 * {@code ReadOnlyIo} or {@code ApplySideEffect} state starts and after it ends, before any IO call
 * leaves the process, before a child run starts, and before {@code start}/{@code resume} return.
 * Between barriers, the events of {@code Pure} states may wait in memory: a crash loses only work
 * that was never acknowledged and that resume re-runs.
 */
public sealed interface Durability {

    /** Every event is appended (and so made durable) on its own, as soon as it is produced. */
    record EveryEvent() implements Durability {}

    /**
     * Events are buffered between barriers and appended in one batch when the buffer holds {@code
     * maxEvents} or its oldest event is older than {@code maxAge} (by the engine's clock, checked as
     * events are added).
     *
     * @param maxEvents flush when this many events wait, at least 1
     * @param maxAge flush when the oldest waiting event is this old, not negative
     */
    record Batched(int maxEvents, Duration maxAge) implements Durability {
        public Batched {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
            }
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
            }
        }
    }

    /** One append per event: the paranoid policy, and the slowest. */
    static Durability everyEvent() {
        return new EveryEvent();
    }

    /** The default: batches of up to 1,024 events or 200 ms, flushed at every barrier. */
    static Durability batched() {
        return new Batched(1024, Duration.ofMillis(200));
    }
}
