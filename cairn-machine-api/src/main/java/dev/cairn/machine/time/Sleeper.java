package dev.cairn.machine.time;

import java.time.Duration;

/** Waits between retry attempts. Tests use a sleeper that advances a manual clock instead. */
@FunctionalInterface
public interface Sleeper {

    /** Blocks for {@code duration}; an interrupt ends the wait early with {@link InterruptedException}. */
    void sleep(Duration duration) throws InterruptedException;

    /** Really sleeps the calling (virtual) thread. */
    static Sleeper system() {
        return duration -> Thread.sleep(duration);
    }
}
