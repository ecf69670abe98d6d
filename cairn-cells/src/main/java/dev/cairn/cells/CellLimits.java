package dev.cairn.cells;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Resource limits of one cell. Empty optionals mean "not limited".
 *
 * <p>How each limit is enforced (see {@code docs/cells.md}):
 *
 * <ul>
 *   <li>{@code memoryBytes}: {@code RLIMIT_AS} (address space, always) and the v1 memory cgroup (resident
 *       memory including tmpfs pages, where the machine offers it). Address-space limits count reservations,
 *       not use: runtimes that reserve large heaps need a generous value.
 *   <li>{@code maxProcesses}: processes the command may have at once, including itself. In the sandbox {@code
 *       RLIMIT_NPROC} counts them inside the cell's own user namespace; the pids cgroup counts them where
 *       available. The process profile relies on the pids cgroup only (as root {@code RLIMIT_NPROC} is not
 *       enforced, and as another user it would count every process of that user).
 *   <li>{@code cpuSeconds}: {@code RLIMIT_CPU} per process: {@code SIGXCPU} at the limit, {@code SIGKILL} one
 *       second later.
 *   <li>{@code openFiles}: {@code RLIMIT_NOFILE}.
 *   <li>{@code wallClock}: deadline from start; the whole cell is killed when it passes.
 *   <li>{@code tmpfsBytes}: size of the cell's private {@code /tmp} and {@code /dev/shm} (sandbox only).
 *   <li>{@code outputBytes}: how much of stdout and of stderr is captured; the rest is drained and dropped.
 * </ul>
 */
public record CellLimits(
        OptionalLong memoryBytes,
        OptionalInt maxProcesses,
        OptionalLong cpuSeconds,
        OptionalInt openFiles,
        Duration wallClock,
        long tmpfsBytes,
        int outputBytes) {

    /** Default memory limit: 4 GiB. */
    public static final long DEFAULT_MEMORY_BYTES = 4L << 30;
    /** Default process limit: 512. */
    public static final int DEFAULT_MAX_PROCESSES = 512;
    /** Default open-file limit: 1024. */
    public static final int DEFAULT_OPEN_FILES = 1024;
    /** Default wall-clock limit: one hour. */
    public static final Duration DEFAULT_WALL_CLOCK = Duration.ofHours(1);
    /** Default size of {@code /tmp} and {@code /dev/shm}: 256 MiB each. */
    public static final long DEFAULT_TMPFS_BYTES = 256L << 20;
    /** Default capture limit per output stream: 4 MiB. */
    public static final int DEFAULT_OUTPUT_BYTES = 4 << 20;

    public CellLimits {
        Objects.requireNonNull(memoryBytes, "memory_bytes");
        Objects.requireNonNull(maxProcesses, "max_processes");
        Objects.requireNonNull(cpuSeconds, "cpu_seconds");
        Objects.requireNonNull(openFiles, "open_files");
        Objects.requireNonNull(wallClock, "wall_clock");
        if (memoryBytes.isPresent() && memoryBytes.getAsLong() < (1L << 20)) {
            throw CellsException.specInvalid("limits.memory_bytes", "must be at least 1 MiB, got " + memoryBytes);
        }
        if (maxProcesses.isPresent() && maxProcesses.getAsInt() < 1) {
            throw CellsException.specInvalid("limits.max_processes", "must be at least 1, got " + maxProcesses);
        }
        if (cpuSeconds.isPresent() && cpuSeconds.getAsLong() < 1) {
            throw CellsException.specInvalid("limits.cpu_seconds", "must be at least 1, got " + cpuSeconds);
        }
        if (openFiles.isPresent() && openFiles.getAsInt() < 3) {
            throw CellsException.specInvalid("limits.open_files", "must be at least 3, got " + openFiles);
        }
        if (wallClock.isNegative() || wallClock.isZero()) {
            throw CellsException.specInvalid("limits.wall_clock", "must be positive, got " + wallClock);
        }
        if (tmpfsBytes < 4096) {
            throw CellsException.specInvalid("limits.tmpfs_bytes", "must be at least 4096, got " + tmpfsBytes);
        }
        if (outputBytes < 0) {
            throw CellsException.specInvalid("limits.output_bytes", "must not be negative, got " + outputBytes);
        }
    }

    /** The default limits (see the {@code DEFAULT_*} constants; CPU time is not limited). */
    public static CellLimits defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.memoryBytes = memoryBytes;
        b.maxProcesses = maxProcesses;
        b.cpuSeconds = cpuSeconds;
        b.openFiles = openFiles;
        b.wallClock = wallClock;
        b.tmpfsBytes = tmpfsBytes;
        b.outputBytes = outputBytes;
        return b;
    }

    /** Builds {@link CellLimits}; validation happens in {@link #build()}. */
    public static final class Builder {
        private OptionalLong memoryBytes = OptionalLong.of(DEFAULT_MEMORY_BYTES);
        private OptionalInt maxProcesses = OptionalInt.of(DEFAULT_MAX_PROCESSES);
        private OptionalLong cpuSeconds = OptionalLong.empty();
        private OptionalInt openFiles = OptionalInt.of(DEFAULT_OPEN_FILES);
        private Duration wallClock = DEFAULT_WALL_CLOCK;
        private long tmpfsBytes = DEFAULT_TMPFS_BYTES;
        private int outputBytes = DEFAULT_OUTPUT_BYTES;

        private Builder() {}

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = OptionalLong.of(bytes);
            return this;
        }

        public Builder unlimitedMemory() {
            this.memoryBytes = OptionalLong.empty();
            return this;
        }

        public Builder maxProcesses(int processes) {
            this.maxProcesses = OptionalInt.of(processes);
            return this;
        }

        public Builder unlimitedProcesses() {
            this.maxProcesses = OptionalInt.empty();
            return this;
        }

        public Builder cpuSeconds(long seconds) {
            this.cpuSeconds = OptionalLong.of(seconds);
            return this;
        }

        public Builder unlimitedCpu() {
            this.cpuSeconds = OptionalLong.empty();
            return this;
        }

        public Builder openFiles(int files) {
            this.openFiles = OptionalInt.of(files);
            return this;
        }

        public Builder unlimitedOpenFiles() {
            this.openFiles = OptionalInt.empty();
            return this;
        }

        public Builder wallClock(Duration wallClock) {
            this.wallClock = wallClock;
            return this;
        }

        public Builder tmpfsBytes(long bytes) {
            this.tmpfsBytes = bytes;
            return this;
        }

        public Builder outputBytes(int bytes) {
            this.outputBytes = bytes;
            return this;
        }

        public CellLimits build() {
            return new CellLimits(memoryBytes, maxProcesses, cpuSeconds, openFiles, wallClock, tmpfsBytes, outputBytes);
        }
    }
}
