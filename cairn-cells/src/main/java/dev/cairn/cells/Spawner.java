package dev.cairn.cells;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts cell processes on one long-lived platform thread.
 *
 * <p>Two reasons: bwrap's {@code --die-with-parent} uses {@code PR_SET_PDEATHSIG}, which fires when the
 * <em>thread</em> that forked the process ends, so the forking thread must outlive its cells; and cgroup
 * placement moves the forking thread itself into the cell's cgroups around the fork.
 */
final class Spawner implements AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-cell-spawner");
        t.setDaemon(true);
        return t;
    });

    /** Starts {@code builder}, inside {@code cgroup} when given. Uninterruptible: a started process is returned. */
    Process spawn(ProcessBuilder builder, CellCgroup cgroup) throws IOException {
        Future<Process> f = thread.submit(() -> {
            if (cgroup == null) {
                return builder.start();
            }
            cgroup.enterCurrentThread();
            try {
                return builder.start();
            } finally {
                cgroup.leaveCurrentThread();
                cgroup.evictJvmThreads();
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
