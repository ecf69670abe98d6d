package dev.cairn.runner.node;

import dev.cairn.runner.api.lease.LeaseService;

/**
 * A {@link LeaseService} whose {@link #acquire} waits in a blocking socket read, a long poll over
 * HTTP: a remote node's ({@code RemoteLeaseService}). A {@link RunnerNode} over one acquires on a
 * platform thread of its own, which the kernel wakes straight from the read when a grant arrives.
 * A virtual thread's read waits through the JDK's poller instead: the poller's thread wakes, then
 * a carrier for the virtual thread, and that second wake cost ~35 us per grant on the way to a
 * remote runner's start ({@code cairn bench submit-latency}, docs/benchmarks.md). An interrupt
 * alone does not end a platform thread's read, so the node stops such an acquire with {@link
 * #interruptAcquire}.
 */
public interface LongPollLeaseService extends LeaseService {

    /**
     * Interrupts {@code thread} and ends the {@link #acquire} call it is making, if any, which then
     * throws as an interrupted call does and leaves the thread's interrupt status set.
     */
    void interruptAcquire(Thread thread);
}
