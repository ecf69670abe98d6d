package dev.cairn.cells;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether the bubblewrap sandbox (and the connector for granted network endpoints) works on this machine,
 * and if not, why, in plain language. Each check really runs the tools once and is cached per JVM.
 */
public final class SandboxProbe {

    /** Result of a check: available, or not with a reason (e.g. "bwrap is not installed"). */
    public record Status(boolean available, String reason) {
        public Status {
            Objects.requireNonNull(reason, "reason");
        }

        static Status ok() {
            return new Status(true, "");
        }

        static Status unavailable(String reason) {
            return new Status(false, reason);
        }
    }

    private static final Map<List<Object>, Status> SANDBOX = new ConcurrentHashMap<>();
    private static final Map<Path, Status> CONNECTOR = new ConcurrentHashMap<>();
    private static final long TIMEOUT_SECONDS = 20;

    private SandboxProbe() {}

    /** Whether sandboxes built from {@code options} run here: checks the tools, then runs one no-op sandbox. */
    public static Status sandbox(CellRuntimeOptions options) {
        HostInfo host = HostInfo.read();
        List<Object> key = List.of(
                options.bwrap(),
                options.prlimit(),
                options.unshare(),
                options.systemReadOnlyPaths(),
                host.euid,
                options.cellUidBase());
        Status cached = SANDBOX.get(key);
        if (cached != null) {
            return cached;
        }
        Status status = runSandbox(options, host);
        if (!Thread.currentThread().isInterrupted()) {
            SANDBOX.putIfAbsent(key, status);
        }
        return status;
    }

    /** Whether the in-cell connector for granted endpoints (perl with its socket modules) is available. */
    public static Status connector(CellRuntimeOptions options) {
        Status cached = CONNECTOR.get(options.perl());
        if (cached != null) {
            return cached;
        }
        Status status = runConnector(options.perl());
        if (!Thread.currentThread().isInterrupted()) {
            CONNECTOR.putIfAbsent(options.perl(), status);
        }
        return status;
    }

    private static Status runSandbox(CellRuntimeOptions options, HostInfo host) {
        if (!Files.exists(options.bwrap())) {
            return Status.unavailable(
                    "bwrap is not installed (" + options.bwrap() + " not found; Debian package" + " bubblewrap)");
        }
        if (!Files.isExecutable(options.bwrap())) {
            return Status.unavailable("bwrap at " + options.bwrap() + " is not executable");
        }
        if (!Files.isExecutable(options.prlimit())) {
            return Status.unavailable(
                    "prlimit is not installed (" + options.prlimit() + " not found; Debian package" + " util-linux)");
        }
        if (host.root() && !Files.isExecutable(options.unshare())) {
            return Status.unavailable("unshare is not installed (" + options.unshare() + " not found; Debian package"
                    + " util-linux); running as root, Cairn needs it to drop to a per-cell uid before bwrap");
        }
        SandboxCommand command = new SandboxCommand(options);
        OptionalInt uid = OptionalInt.empty();
        if (host.root()) {
            uid = OptionalInt.of(CellUids.acquire(options.cellUidBase(), options.cellUidCount()));
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command.probe(uid));
            pb.environment().clear();
            pb.environment().put("PATH", CellRuntime.DEFAULT_PATH);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            byte[] err = p.getErrorStream().readNBytes(4096);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Status.unavailable("a no-op bwrap sandbox did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() == 0) {
                return Status.ok();
            }
            return Status.unavailable(explain(p.exitValue(), new String(err, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Status.unavailable("bwrap could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.unavailable("interrupted while probing bwrap");
        } finally {
            uid.ifPresent(CellUids::release);
        }
    }

    private static String explain(int exit, String stderr) {
        String first = stderr.lines().findFirst().orElse("").trim();
        String bwrapSaid = "bwrap failed (exit " + exit + ")" + (first.isEmpty() ? "" : ": " + first);
        if (sysctl("kernel/unprivileged_userns_clone").equals("0")) {
            return "user namespaces are disabled: kernel.unprivileged_userns_clone=0 (" + bwrapSaid + ")";
        }
        if (sysctl("user/max_user_namespaces").equals("0")) {
            return "user namespaces are disabled: user.max_user_namespaces=0 (" + bwrapSaid + ")";
        }
        if (sysctl("kernel/apparmor_restrict_unprivileged_userns").equals("1")) {
            return "AppArmor restricts unprivileged user namespaces:"
                    + " kernel.apparmor_restrict_unprivileged_userns=1 (" + bwrapSaid + ")";
        }
        return bwrapSaid;
    }

    private static String sysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys", name)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Status runConnector(Path perl) {
        if (!Files.isExecutable(perl)) {
            return Status.unavailable("perl is not installed (" + perl + " not found; Debian package perl-base)");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(
                    perl.toString(), "-MIO::Socket::INET", "-MIO::Socket::UNIX", "-MPOSIX", "-e", "1");
            pb.environment().clear();
            pb.redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Status.unavailable("perl did not answer within " + TIMEOUT_SECONDS + " s");
            }
            return p.exitValue() == 0
                    ? Status.ok()
                    : Status.unavailable("perl lacks its socket modules: "
                            + new String(out, StandardCharsets.UTF_8)
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
        } catch (IOException e) {
            return Status.unavailable("perl could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.unavailable("interrupted while probing perl");
        }
    }
}
