package dev.cairn.bench.stack;

import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.command.ProcessCommandExecutor;
import dev.cairn.runner.node.remote.Worker;
import dev.cairn.runner.node.remote.WorkerOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The remote worker of the stack workloads, in a JVM of its own: what {@code cairn worker --server
 * URL --capability X --concurrency N} runs ({@link Worker#start} with the same options and the
 * built-in runners), plus, with {@code --probe CAPABILITY}, the {@link ProbeRunner} of {@code
 * submit-latency}, which reports its starts on standard output.
 *
 * <p>Standard output carries one line per event, each starting with {@value #PREFIX}: {@code ready
 * WORKER_ID} once the worker runs, {@code started RUN_ID NANO_TIME} for each probe start, {@code pong
 * NANO_TIME} for each {@code ping} line read on standard input (the parent checks with it that both
 * JVMs read the same monotonic clock), {@code jit MILLIS} for each {@code jit} line: how long this
 * JVM's JIT has compiled so far ({@link CompilationMXBean#getTotalCompilationTime}, -1 where the JVM
 * does not tell), so that the parent's warm-up waits for the worker's JIT too. The worker stops
 * when standard input ends, so it never outlives the benchmark that started it, even one killed
 * with SIGKILL.
 */
public final class WorkerMain {

    /** The start of every line of the protocol. */
    static final String PREFIX = "cairn-bench-worker ";

    private WorkerMain() {}

    public static void main(String[] args) throws IOException {
        URI server = null;
        List<String> capabilities = new ArrayList<>();
        List<String> probes = new ArrayList<>();
        Integer concurrency = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i++]) {
                case "--server" -> server = URI.create(value);
                case "--capability" -> capabilities.add(value);
                case "--probe" -> probes.add(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("--server URL is required");
        }
        PrintStream out = System.out;
        WorkerOptions.Builder options = WorkerOptions.builder(server).capabilities(capabilities);
        if (concurrency != null) {
            options.concurrency(concurrency);
        }
        WorkerOptions built = options.node(RunnerNodeOptions.builder().build()).build();
        RunnerRegistry.Builder registry =
                RunnerRegistry.builder().builtIns(ProcessCommandExecutor.create(built.command()));
        for (String probe : probes) {
            registry.add(new ProbeRunner(probe, (runId, nanos) -> say(out, "started " + runId + " " + nanos)));
        }
        Worker worker = Worker.start(built, registry.build());
        say(
                out,
                "ready " + worker.node().workerId() + " "
                        + Map.of("capabilities", worker.node().capabilities()));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("ping")) {
                    say(out, "pong " + System.nanoTime());
                } else if (line.equals("jit")) {
                    say(out, "jit " + compilationMillis(ManagementFactory.getCompilationMXBean()));
                }
            }
        } finally {
            try {
                worker.close();
            } finally {
                System.exit(0); // nothing of the worker may keep this JVM alive once its parent is gone
            }
        }
    }

    /** How long {@code jit} has compiled so far, in ms; -1 when there is no JIT or it does not tell. */
    static long compilationMillis(CompilationMXBean jit) {
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(PREFIX + line);
            out.flush();
        }
    }
}
