package dev.cairn.machine.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program with bounded output capture and kills its whole process tree on timeout
 * or cancellation. The only place in the kernel that handles processes.
 *
 * <p>Process-tree handling: when {@code setsid} (util-linux) is on the engine's {@code PATH}, the
 * program starts as the leader of a new session and process group ({@code setsid --wait}), so that
 * killing the group ({@code kill -KILL -- -pgid}) reaches every process it started, even those its
 * children re-parented. In addition the runner kills every process {@link ProcessHandle#descendants()}
 * lists. Limits: a process that leaves the group (calls {@code setsid} itself) <em>and</em> is no
 * longer a descendant (double fork) escapes both; without {@code setsid} only descendants are found.
 * After the program exits, what is left of its process group is killed too, so nothing outlives the
 * call.
 */
public final class ProcessRunner {

    /** How long readers may take to see the end of output after the program exited. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    private static final Optional<Path> SETSID = which("setsid", System.getenv("PATH"));
    private static final Optional<Path> KILL = which("kill", System.getenv("PATH"));

    private ProcessRunner() {}

    /**
     * What to run.
     *
     * @param command the resolved program path and its arguments
     * @param env environment variables
     * @param inheritEnv start from the engine's environment
     * @param cwd working directory
     * @param stdin bytes for standard input (closed when empty)
     * @param timeout wall-clock limit
     * @param maxOutputBytes bytes kept of stdout and of stderr, each
     */
    public record Spec(
            List<String> command,
            Map<String, String> env,
            boolean inheritEnv,
            Optional<Path> cwd,
            Optional<byte[]> stdin,
            Duration timeout,
            int maxOutputBytes) {
        public Spec {
            command = List.copyOf(command);
            env = Map.copyOf(env);
            Objects.requireNonNull(cwd, "cwd");
            Objects.requireNonNull(stdin, "stdin");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Captured output.
     *
     * @param kept the first bytes, at most {@code maxOutputBytes}
     * @param total how many bytes the stream had
     */
    public record Output(byte[] kept, long total) {
        public boolean truncated() {
            return total > kept.length;
        }
    }

    /**
     * How the program ended.
     *
     * @param exitCode its exit status ({@code 128 + n} when killed by signal {@code n})
     * @param stdout its standard output
     * @param stderr its standard error
     * @param timedOut whether it was killed for running past the timeout
     */
    public record Result(int exitCode, Output stdout, Output stderr, boolean timedOut) {}

    /** Whether process groups are used (see the class comment). */
    public static boolean usesProcessGroups() {
        return SETSID.isPresent() && KILL.isPresent();
    }

    /**
     * Runs {@code spec} to its end, or until its timeout.
     *
     * @throws IOException when the program cannot be started
     * @throws InterruptedException when the calling thread is interrupted; the process tree has been
     *     killed by then
     */
    public static Result run(Spec spec) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        boolean grouped = usesProcessGroups();
        if (grouped) {
            command.add(SETSID.get().toString());
            command.add("--wait");
        }
        command.addAll(spec.command());
        ProcessBuilder builder = new ProcessBuilder(command);
        if (!spec.inheritEnv()) {
            builder.environment().clear();
        }
        builder.environment().putAll(spec.env());
        spec.cwd().ifPresent(dir -> builder.directory(dir.toFile()));
        Process process = builder.start();
        Capture out = new Capture(process.getInputStream(), spec.maxOutputBytes());
        Capture err = new Capture(process.getErrorStream(), spec.maxOutputBytes());
        Thread writer = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), spec.stdin()));
        boolean exited;
        try {
            exited = process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process, grouped);
            throw e;
        }
        if (!exited) {
            killTree(process, grouped);
            waitQuietly(process, Duration.ofSeconds(5));
        }
        if (!out.awaitEnd(DRAIN_GRACE) || !err.awaitEnd(DRAIN_GRACE)) {
            killTree(process, grouped);
        }
        if (grouped) {
            killGroup(process.pid());
        }
        out.awaitEnd(DRAIN_GRACE);
        err.awaitEnd(DRAIN_GRACE);
        writer.join(DRAIN_GRACE);
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new Result(exitCode, out.result(), err.result(), !exited);
    }

    /** The first executable file called {@code name} on {@code path} (a {@code :}-separated list). */
    public static Optional<Path> which(String name, String path) {
        if (path == null || name.isEmpty() || name.contains("/")) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void feed(OutputStream stdin, Optional<byte[]> bytes) {
        try (stdin) {
            if (bytes.isPresent()) {
                stdin.write(bytes.get());
            }
        } catch (IOException closedEarly) {
            // The program closed its input (or exited) before reading it all: not an error of ours.
        }
    }

    private static void killTree(Process process, boolean grouped) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (grouped) {
            killGroup(process.pid());
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void killGroup(long pgid) {
        if (KILL.isEmpty()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder(KILL.get().toString(), "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            waitQuietly(kill, Duration.ofSeconds(5));
        } catch (IOException e) {
            // No kill(1) to run: descendants are still destroyed one by one.
        }
    }

    private static void waitQuietly(Process process, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        while (process.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                process.waitFor(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a stream to its end on a virtual thread, keeping at most {@code limit} bytes. */
    private static final class Capture {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int limit;
        private final Thread thread;
        private final InputStream in;
        private volatile long total;

        Capture(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
            this.thread = Thread.ofVirtual().start(this::drain);
        }

        private void drain() {
            byte[] buffer = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (kept) {
                        int keep = Math.max(0, Math.min(n, limit - kept.size()));
                        kept.write(buffer, 0, keep);
                        total += n;
                    }
                }
            } catch (IOException closed) {
                // The stream was closed under us (the process was killed): keep what was read.
            }
        }

        /** Waits up to {@code limit} for the end of the stream; whether it was reached. */
        boolean awaitEnd(Duration limit) {
            boolean interrupted = false;
            long deadline = System.nanoTime() + limit.toNanos();
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    thread.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return !thread.isAlive();
        }

        Output result() {
            synchronized (kept) {
                return new Output(kept.toByteArray(), total);
            }
        }
    }
}
