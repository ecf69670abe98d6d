package dev.cairn.workspace;

import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Runs an action over items on virtual threads, a bounded number at a time. */
final class Parallel {

    private Parallel() {}

    /**
     * Applies {@code action} to every item, at most {@code parallelism} at a time, and returns once
     * all started ones are done. The first failure stops items not yet started and is rethrown (an
     * unchecked exception as is); an interrupt of the caller stops starting items and throws {@link
     * WorkspaceException#interrupted()} with the flag set.
     */
    static <T> void forEach(int parallelism, Collection<T> items, Consumer<T> action) {
        if (items.isEmpty()) {
            return;
        }
        if (parallelism <= 1 || items.size() == 1) {
            for (T item : items) {
                if (Thread.currentThread().isInterrupted()) {
                    throw WorkspaceException.interrupted();
                }
                action.accept(item);
            }
            return;
        }
        Semaphore slots = new Semaphore(parallelism);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean interrupted = false;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                if (failure.get() != null) {
                    break;
                }
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, WorkspaceException.interrupted());
                    break;
                }
                threads.execute(() -> {
                    try {
                        if (failure.get() == null) {
                            action.accept(item);
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        slots.release();
                    }
                });
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
