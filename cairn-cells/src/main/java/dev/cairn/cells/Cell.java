package dev.cairn.cells;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One cell of a {@link CellRuntime}: a prepared, running or finished command with its host resources.
 *
 * <p>{@link #start()}, {@link #await()} and {@link #cancel()} may be called from any thread; {@link
 * #await()} may be called repeatedly and returns the same result. Teardown is {@link
 * CellRuntime#destroy(Cell)}.
 */
public final class Cell {

    private static final long PROCESS_OUTPUT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final List<String> SETUP_ERROR_PREFIXES =
            List.of("bwrap: ", "unshare: ", "setsid: ", "prlimit: failed to set", "cairn-net: ");

    private final CellRuntime runtime;
    private final CellSpec spec;
    private final CellProfile profile;
    private final Optional<String> fallbackReason;
    private final String key;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<CellLifecycleRecord> records = new ArrayList<>();

    private volatile CellState state;
    private volatile CellHandle handle;

    private OptionalInt hostUid = OptionalInt.empty();
    private Path scratch;
    private CellCgroup cgroup;
    private GrantRelay relay;
    private List<String> argv;
    private Map<String, String> env;
    private Path directory;
    private int connectorProcesses;

    private volatile Process process;
    private OutputCapture stdout;
    private OutputCapture stderr;
    private long startNanos;
    private Instant startedAt;
    private volatile boolean cancelRequested;
    private volatile boolean killedMain;
    private CellResult result;
    private int exitStatus;

    Cell(CellRuntime runtime, CellSpec spec, CellProfile profile, Optional<String> fallbackReason, String key) {
        this.runtime = runtime;
        this.spec = spec;
        this.profile = profile;
        this.fallbackReason = fallbackReason;
        this.key = key;
    }

    /** The cell id of the spec. */
    public String id() {
        return spec.cellId();
    }

    public CellSpec spec() {
        return spec;
    }

    /** The current handle (pid once started). */
    public CellHandle handle() {
        return handle;
    }

    /** The current lifecycle state. */
    public CellState state() {
        return state;
    }

    /** Every lifecycle record so far, in order. */
    public List<CellLifecycleRecord> lifecycle() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** The result, once the cell has {@link CellState#EXITED}. */
    public Optional<CellResult> result() {
        lock.lock();
        try {
            return Optional.ofNullable(result);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Spawns the cell's process ({@code CREATED -> STARTED}); if it cannot be spawned at all the cell moves to
     * {@code FAILED} and {@code cell_spawn_failed} is thrown. A failure inside the sandbox before the command
     * runs is reported by {@link #await()} as {@link CellOutcome.SetupFailed}.
     */
    public void start() {
        start(null);
    }

    /**
     * {@link #start()}, also handing every chunk of the command's stdout and stderr to {@code listener} as it
     * is read (whole, not limited to {@link CellLimits#outputBytes()}; the result still captures at most that
     * much). Each stream is read by its own thread, so the listener sees each stream's chunks in order and
     * may be called from two threads at once; it must not block for long.
     *
     * @param listener receives the output, or {@code null} for none
     */
    public void start(CellOutputListener listener) {
        lock.lock();
        try {
            CellLifecycle.check(id(), state, CellState.STARTED);
            if (cancelRequested) {
                throw CellsException.cancelled(id());
            }
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().clear();
            pb.environment().putAll(env);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.redirectInput(
                    spec.stdinLength() == 0
                            ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                            : ProcessBuilder.Redirect.PIPE);
            Process p;
            try {
                p = runtime.spawner.spawn(pb, cgroup);
            } catch (IOException e) {
                move(CellState.FAILED, "spawn failed: " + e.getMessage());
                throw CellsException.spawnFailed(id(), e.getMessage(), e);
            }
            startNanos = System.nanoTime();
            startedAt = runtime.options.clock().instant();
            process = p;
            if (cgroup != null && spec.limits().maxProcesses().isPresent()) {
                int helpers = profile == CellProfile.SANDBOX ? 2 + connectorProcesses : 0;
                try {
                    cgroup.setPidsMax((long) spec.limits().maxProcesses().getAsInt() + helpers);
                } catch (IOException e) {
                    kill();
                    waitUninterruptibly(p);
                    move(CellState.FAILED, "could not limit processes: " + e.getMessage());
                    throw CellsException.setupFailed(id(), "cannot write pids.max", e);
                }
            }
            int limit = spec.limits().outputBytes();
            stdout = new OutputCapture(
                    p.getInputStream(), limit, "cairn-cell-stdout-" + id(), listener, CellOutputListener.Stream.STDOUT);
            stderr = new OutputCapture(
                    p.getErrorStream(), limit, "cairn-cell-stderr-" + id(), listener, CellOutputListener.Stream.STDERR);
            if (spec.stdinLength() > 0) {
                byte[] in = spec.stdinUnsafe();
                Thread.ofVirtual().name("cairn-cell-stdin-" + id()).start(() -> {
                    try (OutputStream os = p.getOutputStream()) {
                        os.write(in);
                    } catch (IOException e) {
                        // the command closed its stdin early
                    }
                });
            }
            handle = handle.withPid(p.pid());
            move(CellState.STARTED, "pid " + p.pid());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the command to end ({@code STARTED -> EXITED}) and returns its result. Kills the cell when
     * its wall-clock limit passes ({@link CellOutcome.TimedOut}); if the waiting thread is interrupted, kills
     * the cell, returns {@link CellOutcome.Cancelled} and keeps the thread's interrupt flag set.
     */
    public CellResult await() {
        lock.lock();
        try {
            if (state == CellState.EXITED || (state == CellState.DESTROYED && result != null)) {
                return result;
            }
            if (state != CellState.STARTED) {
                throw CellsException.stateInvalid(id(), state, CellState.EXITED);
            }
            return finish();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels the cell: kills it if it runs, so that {@link #await()} returns {@link CellOutcome.Cancelled};
     * a cell not started yet refuses to start.
     */
    public void cancel() {
        cancelRequested = true;
        if (process != null) {
            kill();
        }
    }

    /** Prepares the cell's host resources; holds the lock so that nothing starts a half-prepared cell. */
    void prepare() {
        lock.lock();
        try {
            prepareLocked();
        } finally {
            lock.unlock();
        }
    }

    private void prepareLocked() {
        boolean sandbox = profile == CellProfile.SANDBOX;
        boolean dropRoot = sandbox && runtime.host.root();
        try {
            if (!Files.isDirectory(spec.workspace())) {
                throw CellsException.specInvalid("workspace", "'" + spec.workspace() + "' is not a directory");
            }
            if (sandbox) {
                for (ReadOnlyBind b : spec.readOnlyBinds()) {
                    if (!Files.exists(b.hostPath())) {
                        throw CellsException.specInvalid(
                                "read_only_binds", "host path '" + b.hostPath() + "' does not exist");
                    }
                }
            }
            if (!spec.workdir().isEmpty() && !Files.isDirectory(spec.workspace().resolve(spec.workdir()))) {
                throw CellsException.specInvalid(
                        "workdir", "'" + spec.workdir() + "' is not a directory in the workspace");
            }
            if (!sandbox) {
                directory = spec.workspace().resolve(spec.workdir());
            }
            if (dropRoot) {
                hostUid =
                        OptionalInt.of(CellUids.acquire(runtime.options.cellUidBase(), runtime.options.cellUidCount()));
                requireReachable(spec.workspace(), "workspace");
                for (ReadOnlyBind b : spec.readOnlyBinds()) {
                    requireReachable(b.hostPath(), "read_only_binds");
                }
            }
            NetworkPolicy.Granted granted = sandbox && spec.network() instanceof NetworkPolicy.Granted g ? g : null;
            if (!spec.files().isEmpty() && !runtime.scratchOnTmpfs) {
                throw CellsException.filesUnavailable("the scratch root " + runtime.scratchRoot
                        + " is not on a tmpfs, so the files would touch a disk");
            }
            if (!sandbox || !spec.files().isEmpty() || granted != null) {
                scratch = runtime.scratchRoot.resolve(key);
                if (Files.exists(scratch, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(scratch);
                }
                Files.createDirectory(scratch, PosixFilePermissions.asFileAttribute(dirPerms()));
            }
            Optional<Path> filesDir = Optional.empty();
            if (!spec.files().isEmpty()) {
                Path dir = Files.createDirectory(
                        scratch.resolve("files"), PosixFilePermissions.asFileAttribute(dirPerms()));
                for (CellFile f : spec.files()) {
                    Path file = Files.createFile(
                            dir.resolve(f.name()),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(file, f.contentUnsafe(), StandardOpenOption.WRITE);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
                }
                filesDir = Optional.of(dir);
            }
            if (!sandbox) {
                Files.createDirectory(scratch.resolve("tmp"), PosixFilePermissions.asFileAttribute(dirPerms()));
            }
            List<SandboxCommand.Endpoint> endpoints = List.of();
            Optional<Path> netDir = Optional.empty();
            Optional<Path> hostsFile = Optional.empty();
            boolean lowPorts = false;
            if (granted != null) {
                Path dir =
                        Files.createDirectory(scratch.resolve("net"), PosixFilePermissions.asFileAttribute(dirPerms()));
                endpoints = endpoints(granted, dir);
                lowPorts = endpoints.stream().anyMatch(e -> e.grant().port() < 1024);
                if (lowPorts && HostInfo.prctlSyscall() < 0) {
                    throw CellsException.networkGrantUnavailable("ports below 1024 need the prctl syscall number,"
                            + " unknown for architecture " + System.getProperty("os.arch"));
                }
                Path hosts = scratch.resolve("hosts");
                Files.writeString(hosts, hostsFile(endpoints), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("r--r--r--"));
                hostsFile = Optional.of(hosts);
                netDir = Optional.of(dir);
                relay = new GrantRelay(endpoints.stream()
                        .map(e -> new GrantRelay.Endpoint(e.grant(), e.socket()))
                        .toList());
                connectorProcesses = 1;
            }
            if (dropRoot && scratch != null) {
                chownTree(scratch, hostUid.getAsInt());
            }
            if (dropRoot) {
                chownTree(spec.workspace(), hostUid.getAsInt());
            }
            if (runtime.cgroups.available()) {
                boolean memory = spec.limits().memoryBytes().isPresent();
                cgroup = runtime.cgroups.create(key, memory, !sandbox);
                if (memory) {
                    cgroup.setMemoryLimit(spec.limits().memoryBytes().getAsLong());
                }
            }
            argv = sandbox
                    ? runtime.commands.sandbox(
                            spec,
                            new SandboxCommand.Plan(
                                    hostUid, filesDir, netDir, hostsFile, endpoints, lowPorts, cgroup != null))
                    : runtime.commands.process(spec);
            env = environment(sandbox, filesDir);
            handle = new CellHandle(
                    id(),
                    key,
                    profile,
                    fallbackReason,
                    hostUid,
                    OptionalLong.empty(),
                    cgroup == null ? List.of() : cgroup.dirs(),
                    spec.network(),
                    Optional.ofNullable(scratch),
                    spec.workspace(),
                    notes(sandbox, lowPorts));
            move(
                    CellState.CREATED,
                    profile + fallbackReason.map(r -> " (fallback: " + r + ")").orElse(""));
        } catch (IOException e) {
            releaseResources();
            throw CellsException.setupFailed(id(), e.getMessage(), e);
        } catch (RuntimeException e) {
            releaseResources();
            throw e;
        }
    }

    /** Kills a running cell, awaits it, and tears everything down; see {@link CellRuntime#destroy(Cell)}. */
    TeardownReport destroy() {
        Process p = process;
        if (state == CellState.STARTED && p != null && p.isAlive()) {
            cancel();
        }
        lock.lock();
        try {
            if (state == null || state == CellState.DESTROYED) {
                return TeardownReport.notTracked(id(), runtime.tracked());
            }
            if (state == CellState.STARTED) {
                finish();
            }
            long deadline =
                    System.nanoTime() + runtime.options.teardownTimeout().toNanos();
            Set<Long> killed = new HashSet<>();
            int remaining = 0;
            TeardownReport.Verification verification;
            if (process == null) {
                verification = TeardownReport.Verification.NONE;
            } else if (cgroup != null) {
                remaining = drainCgroup(killed, deadline);
                verification = TeardownReport.Verification.CGROUP;
            } else if (profile == CellProfile.SANDBOX) {
                // bwrap exits as soon as its init reports the command's status; the init and anything left in
                // its PID namespace are killed by the kernel right after (die-with-parent), and nothing in a
                // dying namespace can fork. When the cell was killed or died by a signal, and a per-cell uid
                // makes its processes recognisable, that end is observed with a scan of /proc.
                boolean abnormal = killedMain || exitStatus > 128;
                if (abnormal && hostUid.isPresent()) {
                    int uid = hostUid.getAsInt();
                    remaining = drainScan(() -> ProcTable.withRealUid(uid), killed, deadline);
                    verification = TeardownReport.Verification.PROC_SCAN;
                } else {
                    verification = TeardownReport.Verification.PID_NAMESPACE;
                }
            } else {
                long sid = process.pid();
                String marker = "CAIRN_CELL_KEY=" + key;
                remaining = drainScan(() -> ProcTable.inSessionOrMarked(sid, marker), killed, deadline);
                verification = TeardownReport.Verification.PROC_SCAN;
            }
            if (process != null) {
                killed.remove(process.pid());
            }
            int processesKilled = killed.size() + (killedMain ? 1 : 0);
            if (relay != null) {
                relay.close();
            }
            int tempDirs = 0;
            if (scratch != null && Files.exists(scratch, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    deleteTree(scratch);
                    tempDirs = 1;
                } catch (IOException e) {
                    // counted as remaining below; a later destroy tries again
                }
            }
            int tempDirsLeft = scratch != null && Files.exists(scratch, LinkOption.NOFOLLOW_LINKS) ? 1 : 0;
            int cgroupsRemoved = 0;
            if (cgroup != null && remaining == 0) {
                cgroupsRemoved = cgroup.remove(Math.max(0, deadline - System.nanoTime()));
            }
            int cgroupsLeft = cgroup == null ? 0 : cgroup.existing();
            List<Path> prefixes = new ArrayList<>();
            prefixes.add(spec.workspace());
            if (scratch != null) {
                prefixes.add(scratch);
            }
            int mounts = HostInfo.mountsUnder(prefixes);
            boolean clean = remaining == 0 && mounts == 0 && tempDirsLeft == 0 && cgroupsLeft == 0;
            if (clean) {
                hostUid.ifPresent(CellUids::release);
                runtime.untrack(this);
                move(
                        CellState.DESTROYED,
                        "killed " + processesKilled + ", verified by " + verification + ", removed " + tempDirs
                                + " scratch dir(s) and " + cgroupsRemoved + " cgroup(s)");
            }
            return new TeardownReport(
                    id(),
                    clean,
                    runtime.tracked(),
                    processesKilled,
                    remaining,
                    mounts,
                    tempDirs,
                    tempDirsLeft,
                    cgroupsRemoved,
                    cgroupsLeft,
                    verification,
                    records);
        } finally {
            lock.unlock();
        }
    }

    private CellResult finish() {
        Process p = process;
        Duration wall = spec.limits().wallClock();
        long deadline = startNanos + wall.toNanos();
        boolean timedOut = false;
        boolean interrupted = false;
        while (true) {
            if (cancelRequested) {
                kill();
                waitUninterruptibly(p);
                break;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                timedOut = true;
                kill();
                waitUninterruptibly(p);
                break;
            }
            try {
                if (p.waitFor(remaining, TimeUnit.NANOSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                cancelRequested = true;
            }
        }
        long elapsed = System.nanoTime() - startNanos;
        exitStatus = p.exitValue();
        long grace = profile == CellProfile.SANDBOX
                ? runtime.options.teardownTimeout().toNanos()
                : PROCESS_OUTPUT_GRACE_NANOS;
        stdout.await(grace);
        stderr.await(grace);
        byte[] err = stderr.bytes();
        CellOutcome outcome;
        if (timedOut) {
            outcome = new CellOutcome.TimedOut(wall);
        } else if (cancelRequested && killedMain) {
            outcome = new CellOutcome.Cancelled();
        } else {
            outcome = decode(exitStatus, err);
        }
        Set<LimitKind> limits = EnumSet.noneOf(LimitKind.class);
        if (cgroup != null && cgroup.oomKilled()) {
            limits.add(LimitKind.MEMORY);
        }
        if (cgroup != null && cgroup.pidsLimitHit()) {
            limits.add(LimitKind.PROCESSES);
        }
        if (outcome instanceof CellOutcome.Signaled s && s.signal() == 24) {
            limits.add(LimitKind.CPU_TIME);
        }
        if (timedOut) {
            limits.add(LimitKind.WALL_CLOCK);
        }
        if (stdout.truncated() || stderr.truncated()) {
            limits.add(LimitKind.OUTPUT);
        }
        result = new CellResult(
                id(),
                profile,
                outcome,
                stdout.bytes(),
                err,
                stdout.truncated(),
                stderr.truncated(),
                limits,
                startedAt,
                runtime.options.clock().instant(),
                Duration.ofNanos(elapsed));
        move(CellState.EXITED, outcome.describe());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    private CellOutcome decode(int status, byte[] err) {
        if (status == 1 || status == 125) {
            String first = new String(err, 0, Math.min(err.length, 4096), StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
            for (String prefix : SETUP_ERROR_PREFIXES) {
                if (first.startsWith(prefix)) {
                    return new CellOutcome.SetupFailed(first);
                }
            }
        }
        return CellOutcome.fromStatus(status);
    }

    /** Kills the command and, where they can be found now, its descendants. Idempotent; lock-free. */
    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            killedMain = true;
            p.destroyForcibly();
        }
        CellCgroup cg = cgroup;
        if (cg != null) {
            boolean frozen = cg.freeze(TimeUnit.SECONDS.toNanos(1));
            try {
                for (long pid : cg.procs()) {
                    ProcTable.kill(pid);
                }
            } finally {
                if (frozen) {
                    cg.thaw();
                }
            }
        } else if (profile == CellProfile.PROCESS) {
            for (long pid : ProcTable.inSessionOrMarked(p.pid(), "CAIRN_CELL_KEY=" + key)) {
                ProcTable.kill(pid);
            }
        }
        // a sandbox without cgroups: bwrap's init gets SIGKILL from the kernel (die-with-parent), which ends
        // its whole PID namespace
    }

    private int drainCgroup(Set<Long> killed, long deadline) {
        boolean frozen = cgroup.freeze(Math.max(0, deadline - System.nanoTime()));
        try {
            while (true) {
                List<Long> pids = cgroup.procs();
                if (pids.isEmpty()) {
                    return 0;
                }
                for (long pid : pids) {
                    if (ProcTable.kill(pid)) {
                        killed.add(pid);
                    }
                }
                if (frozen) {
                    cgroup.thaw();
                    frozen = false;
                }
                if (System.nanoTime() > deadline) {
                    return cgroup.procs().size();
                }
                LockSupport.parkNanos(1_000_000);
            }
        } finally {
            if (frozen) {
                cgroup.thaw();
            }
        }
    }

    private static int drainScan(Supplier<List<Long>> scan, Set<Long> killed, long deadline) {
        while (true) {
            List<Long> pids = scan.get();
            if (pids.isEmpty()) {
                return 0;
            }
            for (long pid : pids) {
                if (ProcTable.kill(pid)) {
                    killed.add(pid);
                }
            }
            if (System.nanoTime() > deadline) {
                return scan.get().size();
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private void move(CellState to, String detail) {
        CellState from = state;
        if (from != null) {
            CellLifecycle.check(id(), from, to);
        }
        state = to;
        CellLifecycleRecord r = new CellLifecycleRecord(
                id(), Optional.ofNullable(from), to, runtime.options.clock().instant(), handle, detail);
        records.add(r);
        for (CellLifecycleListener l : runtime.options.listeners()) {
            try {
                l.onTransition(r);
            } catch (RuntimeException e) {
                // a listener must not break the lifecycle
            }
        }
    }

    private Map<String, String> environment(boolean sandbox, Optional<Path> filesDir) {
        Map<String, String> e = new TreeMap<>();
        e.put("PATH", CellRuntime.DEFAULT_PATH);
        e.put("LANG", CellRuntime.DEFAULT_LANG);
        String tmp = sandbox ? "/tmp" : scratch.resolve("tmp").toString();
        e.put("HOME", tmp);
        e.put("TMPDIR", tmp);
        e.putAll(spec.env());
        e.put("CAIRN_CELL_ID", id());
        e.put("CAIRN_CELL_KEY", key);
        e.put(
                "CAIRN_WORKSPACE",
                sandbox ? SandboxCommand.WORK : spec.workspace().toString());
        filesDir.ifPresent(d -> {
            String dir = sandbox ? SandboxCommand.FILES : d.toString();
            e.put("CAIRN_FILES_DIR", dir);
            e.put("CAIRN_SECRETS_DIR", dir);
        });
        return e;
    }

    private List<SandboxCommand.Endpoint> endpoints(NetworkPolicy.Granted granted, Path netDir) {
        Map<String, String> addressOf = new LinkedHashMap<>();
        Set<String> bound = new HashSet<>();
        List<SandboxCommand.Endpoint> endpoints = new ArrayList<>();
        for (NetworkGrant g : granted.grants()) {
            String address;
            if (g.host().equals("localhost")) {
                address = "127.0.0.1";
            } else if (g.loopback()) {
                address = g.host();
            } else {
                if (!addressOf.containsKey(g.host()) && addressOf.size() >= 254) {
                    throw CellsException.specInvalid("network", "more than 254 distinct granted host names");
                }
                address = addressOf.computeIfAbsent(g.host(), h -> "127.77.0." + (addressOf.size() + 1));
            }
            if (!bound.add(address + ":" + g.port())) {
                throw CellsException.specInvalid(
                        "network", "grants " + granted.grants() + " map twice to " + address + ":" + g.port());
            }
            endpoints.add(new SandboxCommand.Endpoint(g, address, netDir.resolve("g" + endpoints.size() + ".sock")));
        }
        return endpoints;
    }

    private static String hostsFile(List<SandboxCommand.Endpoint> endpoints) {
        StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n127.0.1.1\tcairn-cell\n");
        Set<String> named = new HashSet<>();
        for (SandboxCommand.Endpoint e : endpoints) {
            if (!e.grant().loopback() && named.add(e.grant().host())) {
                b.append(e.address()).append('\t').append(e.grant().host()).append('\n');
            }
        }
        return b.toString();
    }

    private List<String> notes(boolean sandbox, boolean lowPorts) {
        List<String> notes = new ArrayList<>();
        CellLimits limits = spec.limits();
        String cgroupReason = runtime.cgroups.unavailableReason().orElse("");
        boolean memoryCgroup = cgroup != null && cgroup.has(Cgroups.MEMORY);
        if (sandbox) {
            notes.add("sandbox: own user, pid, network, ipc, uts, cgroup and mount namespaces; uid "
                    + SandboxCommand.CELL_UID + " inside"
                    + hostUid.stream()
                            .mapToObj(u -> ", host uid " + u)
                            .findFirst()
                            .orElse("")
                    + "; no capabilities; no_new_privs");
            notes.add(
                    switch (spec.network()) {
                        case NetworkPolicy.None n -> "network: loopback only";
                        case NetworkPolicy.Host h -> "network: the host's network namespace, unrestricted";
                        case NetworkPolicy.Granted g -> "network: only TCP to " + g.grants() + ", relayed by Cairn";
                    });
            if (lowPorts) {
                notes.add("nested user namespaces stay allowed in this cell: binding granted ports below 1024"
                        + " needs the cell's user namespace to own its network namespace");
            }
            limits.maxProcesses()
                    .ifPresent(
                            n -> notes.add("processes: at most " + n + " by RLIMIT_NPROC in the cell's user namespace"
                                    + (cgroup != null ? " and by the pids cgroup" : "")));
        } else {
            fallbackReason.ifPresent(r -> notes.add("sandbox unavailable (" + r + "); running as a host process"));
            notes.add(
                    "process profile: no filesystem, network or PID isolation; runs as host uid " + runtime.host.euid);
            if (!(spec.network() instanceof NetworkPolicy.Host)) {
                notes.add("network policy '" + spec.network().describe() + "' is not enforced by the process profile");
            }
            if (!spec.readOnlyBinds().isEmpty()) {
                notes.add("read-only binds are ignored by the process profile");
            }
            limits.maxProcesses()
                    .ifPresent(n -> notes.add(
                            cgroup != null
                                    ? "processes: at most " + n + " by the pids cgroup"
                                    : "processes: not limited (" + cgroupReason + ")"));
            notes.add(
                    cgroup != null
                            ? "teardown: every process in the cell's cgroup"
                            : "teardown: processes in the cell's session or carrying CAIRN_CELL_KEY (a daemon that leaves"
                                    + " the session and clears its environment is not found)");
        }
        limits.memoryBytes()
                .ifPresent(m -> notes.add("memory: address space (RLIMIT_AS) " + m + " bytes"
                        + (memoryCgroup
                                ? " and resident memory by the memory cgroup"
                                : " only (" + (cgroupReason.isEmpty() ? "no memory cgroup in this mode" : cgroupReason)
                                        + ")")));
        return notes;
    }

    private void requireReachable(Path path, String field) throws IOException {
        int uid = hostUid.getAsInt();
        Path real = path.toRealPath();
        for (Path a = real.getParent(); a != null; a = a.getParent()) {
            if (runtime.searchable.contains(a)) {
                continue;
            }
            Map<String, Object> attrs = Files.readAttributes(a, "unix:uid,mode");
            int mode = (Integer) attrs.get("mode");
            boolean ok = (Integer) attrs.get("uid") == uid ? (mode & 0100) != 0 : (mode & 0001) != 0;
            if (!ok) {
                throw CellsException.specInvalid(
                        field,
                        "the sandbox runs as host uid " + uid + ", which cannot enter " + a + " (mode "
                                + Integer.toOctalString(mode & 07777) + ") on the way to " + path
                                + "; make it searchable (chmod o+x) or move the path");
            }
            if ((mode & 0001) != 0) {
                runtime.searchable.add(a);
            }
        }
    }

    private static Set<PosixFilePermission> dirPerms() {
        return PosixFilePermissions.fromString("rwx------");
    }

    /** Gives {@code root} and everything below it (symlinks themselves, not their targets) to {@code uid}. */
    private static void chownTree(Path root, int uid) throws IOException {
        Map<String, Object> attrs = Files.readAttributes(root, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        if ((Integer) attrs.get("uid") != uid) {
            Files.setAttribute(root, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if ((Integer) attrs.get("gid") != uid) {
            Files.setAttribute(root, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (((Integer) attrs.get("mode") & 0170000) == 0040000) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
                for (Path child : children) {
                    chownTree(child, uid);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void waitUninterruptibly(Process p) {
        boolean interrupted = false;
        while (true) {
            try {
                p.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseResources() {
        if (relay != null) {
            relay.close();
        }
        if (scratch != null) {
            try {
                deleteTree(scratch);
            } catch (IOException e) {
                // best effort on a failed create
            }
        }
        if (cgroup != null) {
            cgroup.remove(TimeUnit.SECONDS.toNanos(1));
        }
        hostUid.ifPresent(CellUids::release);
    }
}
