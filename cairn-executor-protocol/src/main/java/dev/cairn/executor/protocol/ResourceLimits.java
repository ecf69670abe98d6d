package dev.cairn.executor.protocol;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireRange;

/**
 * Limits the cell enforces on a step. Every field may be left out and then takes its default; a
 * given value must be positive. The accessors never return {@code null}.
 *
 * @param memoryBytes address space / memory of the step's processes; default {@value
 *     #DEFAULT_MEMORY_BYTES} (4 GiB)
 * @param pids processes and threads the step may have at once; default {@value #DEFAULT_PIDS}
 * @param cpuSeconds CPU time (not wall time) the step may use; default {@value
 *     #DEFAULT_CPU_SECONDS} (4 hours). The wall-clock bound is {@link CommandStep#timeout()}.
 * @param openFiles open file descriptors per process; default {@value #DEFAULT_OPEN_FILES}
 */
@DenyUnknownFields
public record ResourceLimits(
        @WireDefault @WireRange(min = 1) Long memoryBytes,
        @WireDefault @WireRange(min = 1) Integer pids,
        @WireDefault @WireRange(min = 1) Long cpuSeconds,
        @WireDefault @WireRange(min = 1) Integer openFiles) {

    public static final long DEFAULT_MEMORY_BYTES = 4L * 1024 * 1024 * 1024;
    public static final int DEFAULT_PIDS = 4096;
    public static final long DEFAULT_CPU_SECONDS = 4 * 3600;
    public static final int DEFAULT_OPEN_FILES = 4096;

    /** The defaults. */
    public static final ResourceLimits DEFAULTS = new ResourceLimits(null, null, null, null);

    public ResourceLimits {
        memoryBytes = positive("memory_bytes", memoryBytes, DEFAULT_MEMORY_BYTES);
        pids = (int) positive("pids", pids == null ? null : pids.longValue(), DEFAULT_PIDS);
        cpuSeconds = positive("cpu_seconds", cpuSeconds, DEFAULT_CPU_SECONDS);
        openFiles = (int) positive("open_files", openFiles == null ? null : openFiles.longValue(), DEFAULT_OPEN_FILES);
    }

    private static long positive(String field, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw ExecutorProtocolException.invalidLimit(field, value);
        }
        return value;
    }

    public ResourceLimits withMemoryBytes(long value) {
        return new ResourceLimits(value, pids, cpuSeconds, openFiles);
    }

    public ResourceLimits withPids(int value) {
        return new ResourceLimits(memoryBytes, value, cpuSeconds, openFiles);
    }

    public ResourceLimits withCpuSeconds(long value) {
        return new ResourceLimits(memoryBytes, pids, value, openFiles);
    }

    public ResourceLimits withOpenFiles(int value) {
        return new ResourceLimits(memoryBytes, pids, cpuSeconds, value);
    }
}
