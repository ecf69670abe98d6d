package dev.cairn.bench.kernel;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this JVM has used, all threads (handlers, the SQLite writer, fsyncs, GC, the JIT).
 * Beside a wall-clock figure it tells how much of the machine the work needed, which a loaded
 * machine does not change as much.
 */
final class ProcessCpu {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    /** Process CPU time so far, in nanoseconds. */
    static long nanos() {
        return OS.getProcessCpuTime();
    }

    /** The system load average over the last minute (runnable threads, all processes), or -1. */
    static double loadAverage() {
        return OS.getSystemLoadAverage();
    }
}
