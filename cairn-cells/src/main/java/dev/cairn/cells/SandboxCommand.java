package dev.cairn.cells;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds the argument lists of cell processes. The part every sandbox shares is computed once per runtime.
 *
 * <p>Sandbox: {@code [unshare -G U -S U --] bwrap <shared> <per cell> -- [prlimit
 * <limits> --] [perl -e <connector> -- <grants>] argv}. Process: {@code setsid [prlimit <limits> --] argv}.
 * Rlimits are applied inside the sandbox, after bwrap created the user namespace, so that {@code
 * RLIMIT_NPROC} counts the cell's processes only (the kernel counts it per user namespace and uid).
 */
final class SandboxCommand {

    /** The uid and gid of the command inside the sandbox. */
    static final int CELL_UID = 1000;
    /** Where the workspace appears inside the sandbox. */
    static final String WORK = "/work";
    /** Where {@link CellSpec#files()} appear inside the sandbox. */
    static final String FILES = "/run/cairn/files";
    /** Where the grant sockets appear inside the sandbox. */
    static final String NET = "/run/cairn/net";

    private static final String CONNECTOR = loadConnector();

    private final CellRuntimeOptions options;
    private final List<String> shared;
    private final List<String> hostNetworkExtras;

    SandboxCommand(CellRuntimeOptions options) {
        this.options = options;
        this.shared = List.copyOf(sharedArgs(options));
        this.hostNetworkExtras = List.copyOf(hostNetworkExtras());
    }

    /** One granted endpoint as the cell sees it. */
    record Endpoint(NetworkGrant grant, String address, Path socket) {}

    /** The per-cell inputs of a sandbox command. */
    record Plan(
            OptionalInt hostUid,
            Optional<Path> filesDir,
            Optional<Path> netDir,
            Optional<Path> hostsFile,
            List<Endpoint> endpoints,
            boolean lowPorts,
            boolean pidsCgroup) {
        Plan {
            Objects.requireNonNull(hostUid, "host_uid");
            endpoints = List.copyOf(endpoints);
        }
    }

    List<String> sandbox(CellSpec spec, Plan plan) {
        List<String> a = new ArrayList<>(shared.size() + 48);
        plan.hostUid().ifPresent(uid -> dropRoot(a, uid));
        a.addAll(shared);
        switch (spec.network()) {
            case NetworkPolicy.Host h -> {
                a.add("--share-net");
                a.addAll(hostNetworkExtras);
            }
            case NetworkPolicy.None n -> {}
            case NetworkPolicy.Granted g -> {}
        }
        if (plan.lowPorts()) {
            // a nested user namespace (--disable-userns) would not own the network namespace, and binding
            // ports below 1024 needs CAP_NET_BIND_SERVICE there; the connector drops it before the command runs
            a.add("--cap-add");
            a.add("CAP_NET_BIND_SERVICE");
        } else {
            a.add("--disable-userns");
        }
        String tmpfs = Long.toString(spec.limits().tmpfsBytes());
        add(a, "--size", tmpfs, "--tmpfs", "/dev/shm", "--size", tmpfs, "--tmpfs", "/tmp");
        add(a, "--bind", spec.workspace().toString(), WORK);
        for (ReadOnlyBind b : spec.readOnlyBinds()) {
            add(a, "--ro-bind", b.hostPath().toString(), b.cellPath());
        }
        plan.filesDir().ifPresent(d -> add(a, "--ro-bind", d.toString(), FILES));
        plan.netDir().ifPresent(d -> add(a, "--ro-bind", d.toString(), NET));
        plan.hostsFile().ifPresent(f -> add(a, "--ro-bind", f.toString(), "/etc/hosts"));
        add(a, "--chdir", spec.workdir().isEmpty() ? WORK : WORK + "/" + spec.workdir());
        add(a, "--remount-ro", "/", "--");
        // RLIMIT_NPROC counts bwrap's init and the connector too; with a pids cgroup it gets one more slot so
        // that the cgroup (whose refusals are observable) trips first at exactly maxProcesses
        rlimits(a, spec.limits(), true, (plan.endpoints().isEmpty() ? 1 : 2) + (plan.pidsCgroup() ? 1 : 0));
        if (!plan.endpoints().isEmpty()) {
            add(a, options.perl().toString(), "-e", CONNECTOR, "--");
            a.add(Integer.toString(plan.lowPorts() ? HostInfo.prctlSyscall() : 0));
            a.add(Integer.toString(plan.endpoints().size()));
            for (Endpoint e : plan.endpoints()) {
                add(
                        a,
                        e.address(),
                        Integer.toString(e.grant().port()),
                        NET + "/" + e.socket().getFileName());
            }
        }
        a.addAll(spec.argv());
        return a;
    }

    /** The argv that checks the sandbox works: the shared part, then {@code prlimit ... true}. */
    List<String> probe(OptionalInt hostUid) {
        List<String> a = new ArrayList<>();
        hostUid.ifPresent(uid -> dropRoot(a, uid));
        a.addAll(shared);
        add(a, "--disable-userns", "--size", "1048576", "--tmpfs", "/tmp", "--chdir", "/", "--remount-ro", "/", "--");
        add(a, options.prlimit().toString(), "--nofile=64", "--", "true");
        return a;
    }

    List<String> process(CellSpec spec) {
        List<String> a = new ArrayList<>();
        a.add(options.setsid().toString());
        rlimits(a, spec.limits(), false, 0);
        a.addAll(spec.argv());
        return a;
    }

    /**
     * util-linux {@code unshare} without namespace options only drops supplementary groups and sets the gid and
     * uid before executing bwrap: the cheapest such step measured here (setpriv costs twice as much).
     */
    private void dropRoot(List<String> a, int uid) {
        String id = Integer.toString(uid);
        add(a, options.unshare().toString(), "-G", id, "-S", id, "--");
    }

    /**
     * prlimit arguments. {@code helpers} is how many sandbox processes count against {@code RLIMIT_NPROC}
     * besides the command's own (bwrap's init, and the connector when there are grants).
     */
    private void rlimits(List<String> a, CellLimits limits, boolean sandbox, int helpers) {
        a.add(options.prlimit().toString());
        a.add("--core=0");
        limits.memoryBytes().ifPresent(m -> a.add("--as=" + m));
        limits.cpuSeconds().ifPresent(s -> a.add("--cpu=" + s + ":" + (s + 1)));
        limits.openFiles().ifPresent(n -> a.add("--nofile=" + n));
        if (sandbox) {
            limits.maxProcesses().ifPresent(n -> a.add("--nproc=" + ((long) n + helpers)));
        }
        a.add("--");
    }

    private static List<String> sharedArgs(CellRuntimeOptions options) {
        List<String> a = new ArrayList<>();
        a.add(options.bwrap().toString());
        add(a, "--unshare-all", "--die-with-parent", "--new-session", "--unshare-user");
        add(a, "--uid", Integer.toString(CELL_UID), "--gid", Integer.toString(CELL_UID));
        add(a, "--cap-drop", "ALL", "--hostname", "cairn-cell");
        for (Path p : options.systemReadOnlyPaths()) {
            if (Files.isSymbolicLink(p)) {
                try {
                    add(a, "--symlink", Files.readSymbolicLink(p).toString(), p.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isDirectory(p)) {
                add(a, "--ro-bind", p.toString(), p.toString());
            }
        }
        add(a, "--proc", "/proc");
        // a minimal /dev without devpts: bwrap's --dev would need a second, nested user namespace
        add(a, "--size", "65536", "--tmpfs", "/dev");
        for (String dev : List.of("null", "zero", "full", "random", "urandom")) {
            add(a, "--dev-bind", "/dev/" + dev, "/dev/" + dev);
        }
        add(a, "--symlink", "/proc/self/fd", "/dev/fd");
        add(a, "--symlink", "/proc/self/fd/0", "/dev/stdin");
        add(a, "--symlink", "/proc/self/fd/1", "/dev/stdout");
        add(a, "--symlink", "/proc/self/fd/2", "/dev/stderr");
        add(a, "--dir", "/dev/shm", "--remount-ro", "/dev");
        add(a, "--size", "1048576", "--tmpfs", "/run");
        return a;
    }

    /** With the host network, keep DNS working when /etc/resolv.conf points into /run (systemd-resolved). */
    private static List<String> hostNetworkExtras() {
        Path resolv = Path.of("/etc/resolv.conf");
        try {
            if (Files.isSymbolicLink(resolv)) {
                Path real = resolv.toRealPath();
                if (real.startsWith("/run") && real.getParent() != null) {
                    return List.of(
                            "--ro-bind-try",
                            real.getParent().toString(),
                            real.getParent().toString());
                }
            }
        } catch (IOException e) {
            // a dangling link stays dangling inside too
        }
        return List.of();
    }

    private static void add(List<String> a, String... items) {
        a.addAll(List.of(items));
    }

    private static String loadConnector() {
        try (InputStream in = SandboxCommand.class.getResourceAsStream("cairn-net.pl")) {
            if (in == null) {
                throw new IllegalStateException("cairn-net.pl is missing from the cairn-cells jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
