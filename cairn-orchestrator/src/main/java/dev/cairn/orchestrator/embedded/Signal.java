package dev.cairn.orchestrator.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A version counter that long-polling readers wait on: writers {@link #fire()} after a change is
 * durable, readers remember the {@link #version()} they read under and {@link #await} a newer one.
 * A lock and condition rather than a monitor, so waiting virtual threads do not pin their carrier.
 */
final class Signal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    void fire() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the version differs from {@code seen} or {@code timeout} passed.
     *
     * @return whether it changed
     */
    boolean await(long seen, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (version == seen) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #await} bounded by {@code timeout}, in milliseconds. */
    boolean awaitMillis(long seen, long timeoutMillis) throws InterruptedException {
        return await(seen, Duration.of(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS.toChronoUnit()));
    }
}
