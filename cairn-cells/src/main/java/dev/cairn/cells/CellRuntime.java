package dev.cairn.cells;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates, runs and tears down cells on this Linux host, and tracks the live ones (the supervisor).
 *
 * <p>Lifecycle: {@link #create} prepares a cell ({@link CellState#CREATED}), {@link Cell#start()} spawns it,
 * {@link Cell#await()} waits for it within its wall-clock limit (cancellable by {@link Cell#cancel()} or by
 * interrupting the waiting thread), and {@link #destroy} kills whatever is left and verifies that no
 * process, mount, cgroup or scratch directory of the cell remains. {@link #run} does all four.
 *
 * <p>Methods block; run concurrent cells on virtual threads. A runtime is thread-safe. {@link #close()}
 * destroys every tracked cell.
 */
public final class CellRuntime implements AutoCloseable {

    /** {@code PATH} of every cell unless its spec overrides it. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** {@code LANG} of every cell unless its spec overrides it. */
    public static final String DEFAULT_LANG = "C.UTF-8";

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Pattern CELL_KEY = Pattern.compile("(\\d+)\\.\\d+");

    final CellRuntimeOptions options;
    final HostInfo host;
    final Cgroups cgroups;
    final SandboxCommand commands;
    final Spawner spawner = new Spawner();
    final Path scratchRoot;
    final boolean scratchOnTmpfs;
    private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
    /** Directories seen searchable by others: the per-cell uid may pass through them (cache of a check). */
    final Set<Path> searchable = ConcurrentHashMap.newKeySet();

    private volatile SandboxProbe.Status sandboxStatus;
    private volatile SandboxProbe.Status connectorStatus;
    private volatile boolean closed;

    private CellRuntime(CellRuntimeOptions options) {
        this.options = options;
        this.host = HostInfo.read();
        this.cgroups = Cgroups.detect(options.cgroups());
        this.commands = new SandboxCommand(options);
        this.scratchRoot = options.scratchRoot().orElseGet(CellRuntime::defaultScratchRoot);
        try {
            Files.createDirectories(scratchRoot);
            if (Files.getAttribute(scratchRoot, "unix:uid").equals(host.euid)) {
                // per-cell uids must be able to pass through to their own 0700 scratch directory
                Files.setPosixFilePermissions(scratchRoot, PosixFilePermissions.fromString("rwx--x--x"));
            }
        } catch (IOException e) {
            throw CellsException.setupFailed("-", "cannot create the scratch root " + scratchRoot, e);
        }
        this.scratchOnTmpfs = HostInfo.fsTypeOf(scratchRoot).equals("tmpfs");
        sweepStaleScratch();
    }

    /** A runtime with {@link CellRuntimeOptions#defaults()}. */
    public static CellRuntime create() {
        return create(CellRuntimeOptions.defaults());
    }

    public static CellRuntime create(CellRuntimeOptions options) {
        return new CellRuntime(options);
    }

    public CellRuntimeOptions options() {
        return options;
    }

    /** Whether the sandbox works here (probed once per JVM), and why not. */
    public SandboxProbe.Status sandboxStatus() {
        SandboxProbe.Status s = sandboxStatus;
        if (s == null) {
            s = SandboxProbe.sandbox(options);
            sandboxStatus = s;
        }
        return s;
    }

    private SandboxProbe.Status connectorStatus() {
        SandboxProbe.Status s = connectorStatus;
        if (s == null) {
            s = SandboxProbe.connector(options);
            connectorStatus = s;
        }
        return s;
    }

    /** Why cells get no cgroups on this machine, or empty when they do. */
    public Optional<String> cgroupsUnavailableReason() {
        return cgroups.unavailableReason();
    }

    /** Parent of the per-cell scratch directories. */
    public Path scratchRoot() {
        return scratchRoot;
    }

    /**
     * Prepares a cell: resolves its profile ({@link CellProfile#AUTO} falls back to {@link
     * CellProfile#PROCESS} with a reason when the sandbox does not work), and creates its scratch directory,
     * files, network relay and cgroups. Nothing runs yet.
     *
     * @throws CellsException {@code cell_spec_invalid}, {@code cell_exists}, {@code sandbox_unavailable},
     *     {@code network_grant_unavailable}, {@code cell_files_unavailable}, {@code cell_setup_failed} or {@code cell_runtime_closed}
     */
    public Cell create(CellSpec spec) {
        if (closed) {
            throw CellsException.runtimeClosed();
        }
        CellProfile profile;
        Optional<String> fallback = Optional.empty();
        switch (spec.profile()) {
            case PROCESS -> profile = CellProfile.PROCESS;
            case SANDBOX -> {
                SandboxProbe.Status s = sandboxStatus();
                if (!s.available()) {
                    throw CellsException.sandboxUnavailable(s.reason());
                }
                profile = CellProfile.SANDBOX;
            }
            case AUTO -> {
                SandboxProbe.Status s = sandboxStatus();
                if (s.available()) {
                    profile = CellProfile.SANDBOX;
                } else if (options.requireSandbox()) {
                    throw CellsException.sandboxUnavailable(s.reason());
                } else {
                    profile = CellProfile.PROCESS;
                    fallback = Optional.of(s.reason());
                }
            }
            default -> throw new IllegalStateException("unknown profile " + spec.profile());
        }
        if (profile == CellProfile.SANDBOX && spec.network() instanceof NetworkPolicy.Granted) {
            SandboxProbe.Status c = connectorStatus();
            if (!c.available()) {
                throw CellsException.networkGrantUnavailable(c.reason());
            }
        }
        checkAgainstHostLimits(spec.limits(), profile);
        Cell cell = new Cell(this, spec, profile, fallback, nextKey());
        if (cells.putIfAbsent(spec.cellId(), cell) != null) {
            throw CellsException.exists(spec.cellId());
        }
        try {
            cell.prepare();
        } catch (RuntimeException e) {
            cells.remove(spec.cellId(), cell);
            throw e;
        }
        return cell;
    }

    /**
     * Creates, starts, awaits and destroys a cell. The benchmark entry point.
     *
     * @throws CellsException as {@link #create}, {@code cell_spawn_failed} when the process cannot be started,
     *     or {@code cell_teardown_incomplete} when something of the cell survived teardown
     */
    public CellRun run(CellSpec spec) {
        Cell cell = create(spec);
        CellResult result;
        try {
            cell.start();
            result = cell.await();
        } catch (RuntimeException e) {
            destroy(cell);
            throw e;
        }
        TeardownReport report = destroy(cell);
        if (!report.clean()) {
            throw CellsException.teardownIncomplete(report);
        }
        return new CellRun(result, report);
    }

    /**
     * Destroys a cell: kills it if it runs (its result becomes {@link CellOutcome.Cancelled}), kills every
     * leftover process, removes its relay, scratch directory and cgroups, and verifies nothing remains. A
     * second call, or a cell of another runtime, returns a report with {@code destroyed == false}.
     */
    public TeardownReport destroy(Cell cell) {
        if (cells.get(cell.id()) != cell) {
            return TeardownReport.notTracked(cell.id(), tracked());
        }
        return cell.destroy();
    }

    /** Destroys the tracked cell with this id; unknown ids give a report with {@code destroyed == false}. */
    public TeardownReport destroy(String cellId) {
        Cell cell = cells.get(cellId);
        return cell == null ? TeardownReport.notTracked(cellId, tracked()) : cell.destroy();
    }

    /** The tracked cell with this id. */
    public Optional<Cell> cell(String cellId) {
        return Optional.ofNullable(cells.get(cellId));
    }

    /** How many cells this runtime tracks (created and not yet destroyed). */
    public int tracked() {
        return cells.size();
    }

    /** Destroys every tracked cell, then stops the spawner thread. */
    @Override
    public void close() {
        closed = true;
        List<Cell> all = new ArrayList<>(cells.values());
        for (Cell c : all) {
            c.destroy();
        }
        spawner.close();
    }

    void untrack(Cell cell) {
        cells.remove(cell.id(), cell);
    }

    /** Deletes scratch directories of JVMs that died (named exactly {@code <pid>.<n>}, that pid no longer alive). */
    private void sweepStaleScratch() {
        try (var dirs = Files.newDirectoryStream(scratchRoot)) {
            for (Path dir : dirs) {
                Matcher m = CELL_KEY.matcher(dir.getFileName().toString());
                try {
                    if (m.matches()
                            && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                        Cell.deleteTree(dir);
                    }
                } catch (NumberFormatException | IOException e) {
                    // not a cell's scratch directory, or not ours to delete
                }
            }
        } catch (IOException e) {
            // an unreadable scratch root fails later, with a precise message, when a cell needs it
        }
    }

    private static String nextKey() {
        return ProcessHandle.current().pid() + "." + SEQUENCE.incrementAndGet();
    }

    private void checkAgainstHostLimits(CellLimits limits, CellProfile profile) {
        check(
                "limits.open_files",
                limits.openFiles().isPresent() ? limits.openFiles().getAsInt() : -1,
                host.openFiles.hard());
        check("limits.memory_bytes", limits.memoryBytes().orElse(-1), host.addressSpace.hard());
        check(
                "limits.cpu_seconds",
                limits.cpuSeconds().isPresent() ? limits.cpuSeconds().getAsLong() + 1 : -1,
                host.cpuTime.hard());
        if (profile == CellProfile.SANDBOX) {
            check(
                    "limits.max_processes",
                    limits.maxProcesses().isPresent() ? limits.maxProcesses().getAsInt() + 2L : -1,
                    host.processes.hard());
        }
    }

    private static void check(String field, long wanted, long hard) {
        if (wanted > hard) {
            throw CellsException.specInvalid(
                    field, wanted + " is above this host's hard limit " + hard + " for the Cairn process");
        }
    }

    private static Path defaultScratchRoot() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && HostInfo.fsTypeOf(shm).equals("tmpfs")) {
            return shm.resolve("cairn-cells");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "cairn-cells");
    }
}
