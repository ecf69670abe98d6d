package dev.cairn.cells;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a {@link CellRuntime}: where the host tools are, where scratch directories go, which host uids
 * sandboxes may use, and who hears lifecycle records.
 *
 * @param bwrap bubblewrap executable
 * @param prlimit util-linux {@code prlimit} (sets rlimits, then executes the command)
 * @param unshare util-linux {@code unshare} (drops root to the per-cell uid before bwrap)
 * @param setsid util-linux {@code setsid} (new session for process-profile cells)
 * @param perl perl, used inside the sandbox as the connector for granted network endpoints
 * @param scratchRoot parent of per-cell scratch directories; empty means {@code /dev/shm/cairn-cells} when
 *     {@code /dev/shm} is a tmpfs, else {@code java.io.tmpdir}/cairn-cells
 * @param systemReadOnlyPaths host directories bound read-only at the same path in every sandbox (missing ones
 *     are skipped; top-level symlinks such as {@code /bin -> usr/bin} are recreated as symlinks)
 * @param cellUidBase first host uid handed to sandboxes when Cairn runs as root
 * @param cellUidCount how many uids from {@code cellUidBase} on may be used (one per live cell, rotating)
 * @param cgroups which v1 cgroups to use where they are writable (pids, memory, freezer)
 * @param clock source of lifecycle timestamps
 * @param listeners receivers of every lifecycle record
 * @param requireSandbox whether {@link CellProfile#AUTO} must fail with {@code sandbox_unavailable} instead of
 *     falling back to the process profile
 * @param teardownTimeout how long teardown waits for killed processes to disappear
 */
public record CellRuntimeOptions(
        Path bwrap,
        Path prlimit,
        Path unshare,
        Path setsid,
        Path perl,
        Optional<Path> scratchRoot,
        List<Path> systemReadOnlyPaths,
        int cellUidBase,
        int cellUidCount,
        CgroupMode cgroups,
        InstantSource clock,
        List<CellLifecycleListener> listeners,
        boolean requireSandbox,
        Duration teardownTimeout) {

    /** Whether cgroups are used. */
    public enum CgroupMode {
        /**
         * Use the v1 hierarchies that are mounted and writable: pids (process limit, teardown), memory (when
         * a memory limit is set) and freezer (process-profile teardown).
         */
        AUTO,
        /**
         * Only the pids hierarchy: process limit and teardown verification, without the cost of a memory
         * cgroup (memory is then bounded by RLIMIT_AS and, in the sandbox, by the tmpfs sizes).
         */
        PIDS,
        /** Never use cgroups (rlimits, namespaces and /proc scans only). */
        OFF
    }

    /** Default first per-cell uid: 1,500,000,000 (far from login, system and subordinate uid ranges). */
    public static final int DEFAULT_CELL_UID_BASE = 1_500_000_000;
    /** Default number of per-cell uids: 65,536. */
    public static final int DEFAULT_CELL_UID_COUNT = 65_536;
    /** Default host paths bound read-only into every sandbox. */
    public static final List<Path> DEFAULT_SYSTEM_READ_ONLY_PATHS = List.of(
            Path.of("/usr"),
            Path.of("/etc"),
            Path.of("/bin"),
            Path.of("/sbin"),
            Path.of("/lib"),
            Path.of("/lib32"),
            Path.of("/lib64"),
            Path.of("/libx32"));

    public CellRuntimeOptions {
        Objects.requireNonNull(bwrap, "bwrap");
        Objects.requireNonNull(prlimit, "prlimit");
        Objects.requireNonNull(unshare, "unshare");
        Objects.requireNonNull(setsid, "setsid");
        Objects.requireNonNull(perl, "perl");
        Objects.requireNonNull(scratchRoot, "scratch_root");
        scratchRoot.ifPresent(p -> {
            if (!p.isAbsolute()) {
                throw CellsException.specInvalid("scratch_root", "'" + p + "' must be absolute");
            }
        });
        systemReadOnlyPaths = List.copyOf(systemReadOnlyPaths);
        for (Path p : systemReadOnlyPaths) {
            if (!p.isAbsolute() || p.getNameCount() == 0) {
                throw CellsException.specInvalid(
                        "system_read_only_paths", "'" + p + "' must be an absolute path below /");
            }
        }
        if (cellUidBase < 1 || cellUidCount < 1 || (long) cellUidBase + cellUidCount > Integer.MAX_VALUE) {
            throw CellsException.specInvalid(
                    "cell_uid_base", "uid range " + cellUidBase + "+" + cellUidCount + " is not within 1..2^31-1");
        }
        Objects.requireNonNull(cgroups, "cgroups");
        Objects.requireNonNull(clock, "clock");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(teardownTimeout, "teardown_timeout");
        if (teardownTimeout.isNegative() || teardownTimeout.isZero()) {
            throw CellsException.specInvalid("teardown_timeout", "must be positive");
        }
    }

    /** The defaults: tools found on the usual paths, AUTO cgroups, the system clock, no listeners. */
    public static CellRuntimeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bwrap = bwrap;
        b.prlimit = prlimit;
        b.unshare = unshare;
        b.setsid = setsid;
        b.perl = perl;
        b.scratchRoot = scratchRoot;
        b.systemReadOnlyPaths = systemReadOnlyPaths;
        b.cellUidBase = cellUidBase;
        b.cellUidCount = cellUidCount;
        b.cgroups = cgroups;
        b.clock = clock;
        b.listeners = new ArrayList<>(listeners);
        b.requireSandbox = requireSandbox;
        b.teardownTimeout = teardownTimeout;
        return b;
    }

    /** Finds an executable on the usual system directories, then on {@code PATH}; else {@code /usr/bin/NAME}. */
    static Path findTool(String name) {
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (candidate.isAbsolute() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/bin", name);
    }

    /** Builds {@link CellRuntimeOptions}. */
    public static final class Builder {
        private Path bwrap;
        private Path prlimit;
        private Path unshare;
        private Path setsid;
        private Path perl;
        private Optional<Path> scratchRoot = Optional.empty();
        private List<Path> systemReadOnlyPaths = DEFAULT_SYSTEM_READ_ONLY_PATHS;
        private int cellUidBase = DEFAULT_CELL_UID_BASE;
        private int cellUidCount = DEFAULT_CELL_UID_COUNT;
        private CgroupMode cgroups = CgroupMode.AUTO;
        private InstantSource clock = InstantSource.system();
        private List<CellLifecycleListener> listeners = new ArrayList<>();
        private boolean requireSandbox;
        private Duration teardownTimeout = Duration.ofSeconds(10);

        private Builder() {}

        public Builder bwrap(Path bwrap) {
            this.bwrap = bwrap;
            return this;
        }

        public Builder prlimit(Path prlimit) {
            this.prlimit = prlimit;
            return this;
        }

        public Builder unshare(Path unshare) {
            this.unshare = unshare;
            return this;
        }

        public Builder setsid(Path setsid) {
            this.setsid = setsid;
            return this;
        }

        public Builder perl(Path perl) {
            this.perl = perl;
            return this;
        }

        public Builder scratchRoot(Path scratchRoot) {
            this.scratchRoot = Optional.of(scratchRoot);
            return this;
        }

        public Builder systemReadOnlyPaths(List<Path> paths) {
            this.systemReadOnlyPaths = List.copyOf(paths);
            return this;
        }

        public Builder cellUids(int base, int count) {
            this.cellUidBase = base;
            this.cellUidCount = count;
            return this;
        }

        public Builder cgroups(CgroupMode cgroups) {
            this.cgroups = cgroups;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public Builder listener(CellLifecycleListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Builder requireSandbox(boolean requireSandbox) {
            this.requireSandbox = requireSandbox;
            return this;
        }

        public Builder teardownTimeout(Duration teardownTimeout) {
            this.teardownTimeout = teardownTimeout;
            return this;
        }

        public CellRuntimeOptions build() {
            return new CellRuntimeOptions(
                    bwrap != null ? bwrap : findTool("bwrap"),
                    prlimit != null ? prlimit : findTool("prlimit"),
                    unshare != null ? unshare : findTool("unshare"),
                    setsid != null ? setsid : findTool("setsid"),
                    perl != null ? perl : findTool("perl"),
                    scratchRoot,
                    systemReadOnlyPaths,
                    cellUidBase,
                    cellUidCount,
                    cgroups,
                    clock,
                    listeners,
                    requireSandbox,
                    teardownTimeout);
        }
    }
}
