package dev.cairn.server;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Whether the server serves or stops, what is in progress, and the requests that wait for news
 * (event and log streams, lease long polls), which {@link #beginStop()} interrupts so that they
 * answer at once instead of at the end of their wait.
 */
final class Lifecycle {

    private volatile boolean stopping;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Set<Thread> waiting = new HashSet<>();

    boolean stopping() {
        return stopping;
    }

    void requestStarted() {
        inProgress.incrementAndGet();
    }

    void requestEnded() {
        synchronized (this) {
            inProgress.decrementAndGet();
            notifyAll();
        }
    }

    int inProgress() {
        return inProgress.get();
    }

    /**
     * Marks the calling request as one that waits; it is interrupted when the server stops. Mark
     * only the wait itself, never a write: a virtual thread interrupted in a socket write closes
     * the socket, and the client sees the response cut off instead of ended.
     */
    void waiting() {
        synchronized (waiting) {
            waiting.add(Thread.currentThread());
            if (stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The calling request no longer waits; clears an interrupt the server may have sent it. The stop
     * interrupts only threads marked waiting, under the same lock, so none arrives after this.
     */
    void doneWaiting() {
        synchronized (waiting) {
            waiting.remove(Thread.currentThread());
        }
        if (stopping) {
            Thread.interrupted();
        }
    }

    /** Runs {@code wait}, a call that waits for news, marked as waiting ({@link #waiting()}). */
    <T> T waitFor(Supplier<T> wait) {
        waiting();
        try {
            return wait.get();
        } finally {
            doneWaiting();
        }
    }

    /** Refuses new requests from now on and interrupts the waiting ones. */
    void beginStop() {
        synchronized (waiting) {
            stopping = true;
            for (Thread thread : waiting) {
                thread.interrupt();
            }
        }
    }

    /** Waits until no request is in progress, at most {@code millis}; whether none is. */
    boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (this) {
            while (inProgress.get() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }
}
