package dev.cairn.machine.runtime;

import dev.cairn.machine.ids.RunId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Cancellation of one executing run: a flag, and the handler threads to interrupt. */
final class RunControl {

    final RunId runId;
    private volatile boolean cancelled;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    RunControl(RunId runId) {
        this.runId = runId;
    }

    void cancel() {
        cancelled = true;
        threads.forEach(Thread::interrupt);
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Registers the calling handler thread; interrupts it at once if the run is already cancelled. */
    void enter() {
        Thread current = Thread.currentThread();
        threads.add(current);
        if (cancelled) {
            current.interrupt();
        }
    }

    void exit() {
        threads.remove(Thread.currentThread());
    }
}
